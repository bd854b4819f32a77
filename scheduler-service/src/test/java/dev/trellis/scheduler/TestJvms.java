package dev.trellis.scheduler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A service in a JVM of its own, on the test classpath, so a test can kill it with SIGKILL as an
 * operator or the OOM killer would. Output goes to {@code log}.
 */
public final class TestJvms {

    private TestJvms() {
    }

    public static Process start(Class<?> mainClass, List<String> arguments, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(arguments);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
