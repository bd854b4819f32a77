package dev.trellis.deploy;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command-line tool the checks run, from a Debian package that .ci/run installs. On a developer's
 * machine without it the test is skipped with the install command; under CI (CI=true) a missing
 * tool fails, so the checks cannot silently stop running.
 */
record ExternalTool(String command, String debianPackage) {

    static final ExternalTool PROMTOOL = new ExternalTool("promtool", "prometheus");
    static final ExternalTool DOCKER_COMPOSE = new ExternalTool("docker-compose", "docker-compose");

    record Result(int exitCode, String output) {
    }

    /** Runs the tool with {@code arguments} in {@code directory}; stdout and stderr together. */
    Result run(Path directory, String... arguments) {
        Path executable = locate().orElseGet(() -> {
            String missing = command + " is not installed (apt-get install " + debianPackage + ")";
            assertThat(System.getenv("CI")).as(missing + ", and CI installs it in .ci/run").isNull();
            Assumptions.abort(missing);
            return null;
        });
        List<String> commandLine = new ArrayList<>(List.of(executable.toString()));
        commandLine.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(commandLine).directory(directory.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", commandLine) + " did not finish in 2 minutes");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Asserts exit code 0 and returns the output. */
    String succeed(Path directory, String... arguments) {
        Result result = run(directory, arguments);
        assertThat(result.exitCode()).as("%s %s failed:%n%s", command, String.join(" ", arguments), result.output()).isZero();
        return result.output();
    }

    private Optional<Path> locate() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
