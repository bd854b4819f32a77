package dev.trellis.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The benchmark's temporary homes in a directory: a full run's is gigabytes, so the tests check none stays. */
final class BenchmarkHomes {

    private BenchmarkHomes() {
    }

    static List<Path> in(Path temporaryDirectory) throws IOException {
        try (Stream<Path> entries = Files.list(temporaryDirectory)) {
            return entries.filter(path -> path.getFileName().toString().startsWith(BenchmarkCommand.HOME_PREFIX)).toList();
        }
    }
}
