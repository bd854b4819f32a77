package dev.trellis.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A benchmark stopped midway (Ctrl-C, SIGTERM) leaves no home behind: a full run's is gigabytes.
 * The benchmark runs as a process of its own, with its own temporary directory, and is sent SIGTERM
 * once its stack is up.
 */
class BenchmarkStopTest {

    @Test
    void aBenchmarkStoppedWhileItRunsRemovesItsHome(@TempDir Path temporary) throws Exception {
        Path log = temporary.resolve("benchmark.log");
        Path tmpdir = Files.createDirectory(temporary.resolve("tmp"));
        Process benchmark = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmpdir, "-cp", System.getProperty("java.class.path"), BenchmarkCommand.class.getName(),
                "--quick", "--scenarios", "latency", "--warm-up-tasks", "0", "--latency-samples", "1000000")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!Files.readString(log).contains("Trellis ready") && benchmark.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(Files.readString(log)).as("the stack started").contains("Trellis ready");
            assertThat(BenchmarkHomes.in(tmpdir)).as("its home while it runs").hasSize(1);

            benchmark.destroy(); // SIGTERM

            assertThat(benchmark.waitFor(2, TimeUnit.MINUTES)).as("it stopped").isTrue();
            assertThat(BenchmarkHomes.in(tmpdir)).as("its home once it stopped").isEmpty();
        } finally {
            benchmark.destroyForcibly();
        }
    }
}
