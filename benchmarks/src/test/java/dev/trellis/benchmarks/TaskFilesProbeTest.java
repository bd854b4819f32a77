package dev.trellis.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TaskFilesProbeTest {

    @Test
    void createsEachWorkspaceAsABashEchoTaskLeavesItAndKeepsThem(@TempDir Path dataArea) throws IOException {
        double perSecond = TaskFilesProbe.workspacesPerSecond(dataArea.resolve("data"), 25);

        assertThat(perSecond).isPositive();
        List<Path> probes = children(dataArea.resolve("data"));
        assertThat(probes).singleElement().satisfies(probe -> {
            List<Path> workspaces = children(probe);
            assertThat(workspaces).hasSize(25).allSatisfy(workspace -> assertThat(children(workspace))
                    .extracting(file -> file.getFileName().toString())
                    .containsExactlyInAnyOrder("stdout.txt", "stderr.txt", "hi.txt"));
        });
    }

    @Test
    void eachProbeWritesANewDirectoryBesideTheStacksFiles(@TempDir Path dataArea) throws IOException {
        Files.createDirectories(dataArea.resolve("a-workflow"));

        TaskFilesProbe.workspacesPerSecond(dataArea, 1);
        TaskFilesProbe.workspacesPerSecond(dataArea, 1);

        assertThat(children(dataArea)).hasSize(3).anyMatch(path -> path.endsWith("a-workflow"));
    }

    private static List<Path> children(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
