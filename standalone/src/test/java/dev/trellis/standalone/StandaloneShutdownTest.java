package dev.trellis.standalone;

import dev.trellis.embedded.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A standalone JVM told to stop (Ctrl-C, SIGTERM) stops what it started: PostgreSQL runs as a
 * separate process, so a JVM that exits without stopping it leaves it running, holding its port.
 */
class StandaloneShutdownTest {

    @Test
    void aTerminatedStackStopsItsPostgresBeforeItsJvmExits(@TempDir Path home) throws Exception {
        assertTerminatingStopsPostgres(home, "Trellis ready in");
    }

    /** A slow start interrupted: PostgreSQL is up, the services are still starting. */
    @Test
    void aStackTerminatedWhileItsServicesStartStopsItsPostgresToo(@TempDir Path home) throws Exception {
        assertTerminatingStopsPostgres(home, "PostgreSQL listening on");
    }

    /** Starts a stack in a JVM of its own, sends it SIGTERM once its output shows {@code stage}, and checks postgres went with it. */
    private static void assertTerminatingStopsPostgres(Path home, String stage) throws Exception {
        Path log = home.resolve("stack.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), StackUntilStopped.class.getName(),
                "--home", home.toString(), "--http-port", String.valueOf(FreePorts.pick()),
                "--checkpoint-port", String.valueOf(FreePorts.pick()), "--kafka-port", String.valueOf(FreePorts.pick()),
                "--postgres-port", String.valueOf(FreePorts.pick()));
        Process stack = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long postgresPid = 0;
        try {
            awaitOutput(stack, log, stage);
            postgresPid = Long.parseLong(Files.readAllLines(home.resolve("postgres/postmaster.pid")).get(0).trim());
            assertThat(alive(postgresPid)).as("postgres runs while the stack does").isTrue();

            stack.destroy(); // SIGTERM

            assertThat(stack.waitFor(90, TimeUnit.SECONDS)).as("the stack's JVM exits").isTrue();
            assertThat(alive(postgresPid)).as("postgres stopped with it; the stack's output:%n%s", Files.readString(log)).isFalse();
            assertThat(home.resolve("postgres/postmaster.pid")).as("postgres shut down cleanly").doesNotExist();
        } finally {
            stack.destroyForcibly();
            if (postgresPid > 0) {
                ProcessHandle.of(postgresPid).ifPresent(ProcessHandle::destroyForcibly); // a leaked one must not outlive the test
            }
        }
    }

    private static void awaitOutput(Process stack, Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String output = Files.exists(log) ? Files.readString(log) : "";
            if (output.contains(text)) {
                return;
            }
            if (!stack.isAlive()) {
                fail("the stack exited before printing '%s':%n%s", text, output);
            }
            Thread.sleep(50);
        }
        fail("the stack did not print '%s' within 2 minutes:%n%s", text, Files.readString(log));
    }

    /** Running: an exited process whose parent has not reaped it yet (a zombie) does not count. */
    private static boolean alive(long pid) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return process.get().isAlive(); // no /proc here, or it just went
        }
    }
}
