package dev.trellis.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM flags {@code ./trellis} starts the standalone jar with: a long-running {@code serve} gets
 * C2 (half the CPU per task once warm), a one-shot {@code run} C1 alone (fastest start). A stand-in
 * {@code java} on the PATH records its arguments instead of starting anything.
 */
class LauncherScriptTest {

    @Test
    void serveRunsOnTheFullTieredCompiler(@TempDir Path dir) throws Exception {
        List<String> javaArgs = launch(dir, "serve");

        assertThat(javaArgs).contains("-XX:+UseSerialGC").noneMatch(arg -> arg.startsWith("-XX:TieredStopAtLevel"))
                .endsWith("-jar", dir.resolve("standalone/target/app/trellis.jar").toString(), "serve");
    }

    @Test
    void runStopsAtC1ForTheFastestStart(@TempDir Path dir) throws Exception {
        List<String> javaArgs = launch(dir, "run", "examples/multi-site.yaml");

        assertThat(javaArgs).contains("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                .endsWith("-jar", dir.resolve("standalone/target/app/trellis.jar").toString(), "run", "examples/multi-site.yaml");
    }

    /** Runs a copy of the launcher beside an extracted (stand-in) jar; returns what it passed to java, one argument a line. */
    private static List<String> launch(Path dir, String... args) throws IOException, InterruptedException {
        Path launcher = dir.resolve("trellis");
        Files.copy(DeployFiles.LAUNCHER, launcher);
        launcher.toFile().setExecutable(true);
        Path jar = Files.createDirectories(dir.resolve("standalone/target")).resolve("trellis.jar");
        Files.writeString(jar, "");
        Path extracted = Files.createDirectories(dir.resolve("standalone/target/app")).resolve("trellis.jar");
        Files.writeString(extracted, "");
        Files.setLastModifiedTime(extracted, FileTime.from(Instant.now().plusSeconds(60))); // newer: no extraction
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path recorded = dir.resolve("java-args");
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '" + recorded + "'\n");
        java.toFile().setExecutable(true);

        ProcessBuilder builder = new ProcessBuilder(concat(launcher.toString(), args)).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().remove("JAVA_OPTS");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return Files.readAllLines(recorded);
    }

    private static List<String> concat(String first, String... rest) {
        return Stream.concat(Stream.of(first), Arrays.stream(rest)).toList();
    }
}
