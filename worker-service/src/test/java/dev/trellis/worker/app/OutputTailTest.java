package dev.trellis.worker.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputTailTest {

    @TempDir
    Path dir;

    @Test
    void onlyTheLastTwentyLinesAreKept() throws IOException {
        Path file = dir.resolve("stdout.txt");
        Files.writeString(file, IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n")));

        String tail = OutputTail.of(file);

        assertThat(tail.lines()).hasSize(20).startsWith("line 81").endsWith("line 100");
    }

    @Test
    void aHugeLineIsCutToTheLastFourKibibytes() throws IOException {
        Path file = dir.resolve("stdout.txt");
        Files.writeString(file, "x".repeat(10_000) + "END");

        assertThat(OutputTail.of(file)).hasSize(OutputTail.MAX_BYTES).endsWith("END");
    }

    @Test
    void aLineCutByTheByteLimitIsDropped() throws IOException {
        Path file = dir.resolve("stdout.txt");
        Files.writeString(file, "y".repeat(5_000) + "\nlast\n");

        assertThat(OutputTail.of(file)).isEqualTo("last");
    }

    @Test
    void aFileTheAppNeverWroteHasAnEmptyTail() {
        assertThat(OutputTail.of(dir.resolve("absent.txt"))).isEmpty();
    }

    @Test
    void anEmptyFileHasAnEmptyTailAndAFileThatIsADirectoryIsAnError() throws IOException {
        Path empty = Files.createFile(dir.resolve("stderr.txt"));
        Path directory = Files.createDirectory(dir.resolve("not-a-file"));
        Files.writeString(directory.resolve("inside.txt"), "x");

        assertThat(OutputTail.of(empty)).isEmpty();
        assertThatThrownBy(() -> OutputTail.of(directory)).isInstanceOf(UncheckedIOException.class);
    }
}
