package dev.trellis.worker.app;

import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.AppType;
import dev.trellis.protocol.spec.CommandTemplate;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Runs bash apps (Parsl's {@code @App('bash')}): the command template is rendered over the
 * absolute input and output paths and the args, then run by {@code bash -c} in the task's working
 * directory with stdout and stderr written to files there. Exit code 0 is success.
 */
public final class BashAppRunner implements AppRunner {

    @Override
    public AppType type() {
        return AppType.BASH;
    }

    @Override
    public AppOutcome run(TaskMessage task, TaskWorkspace workspace, Slot slot) throws IOException, InterruptedException {
        AppSpec app = task.app();
        if (app.command() == null || app.command().isBlank()) {
            return AppOutcome.failure("a bash app needs a command");
        }
        String command;
        try {
            command = CommandTemplate.parse(app.command())
                    .render(workspace.inputsAsText(), workspace.outputsAsText(), task.args());
        } catch (IllegalArgumentException e) {
            return AppOutcome.failure("CommandTemplate: " + e.getMessage());
        }

        Process process = start(command, workspace);
        Integer walltimeSeconds = app.walltimeSeconds();
        boolean exited = awaitExitWithin(process, walltimeSeconds);
        String stdoutTail = OutputTail.of(workspace.stdoutFile());
        String stderrTail = OutputTail.of(workspace.stderrFile());
        AppOutcome outcome = exited
                ? byExitCode(process.exitValue(), stderrTail)
                : AppOutcome.walltimeExceeded(walltimeSeconds);
        return outcome.withPid(process.pid()).withOutputTails(stdoutTail, stderrTail);
    }

    private static Process start(String command, TaskWorkspace workspace) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command)
                .directory(workspace.workingDir().toFile())
                .redirectOutput(workspace.stdoutFile().toFile());
        // Parsl lets stdout and stderr name one file; two redirects would overwrite each other
        if (workspace.stderrFile().equals(workspace.stdoutFile())) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(workspace.stderrFile().toFile());
        }
        Process process = builder.start();
        process.getOutputStream().close(); // stdin at end of file: a command reading it must not hang
        return process;
    }

    /**
     * @return false when the walltime passed first. Then, as on an interrupt, the whole process
     *         tree has been killed: a background child must not outlive its task.
     */
    private static boolean awaitExitWithin(Process process, Integer walltimeSeconds) throws InterruptedException {
        try {
            if (walltimeSeconds == null) {
                process.waitFor();
                return true;
            }
            if (process.waitFor(walltimeSeconds, TimeUnit.SECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            ProcessTree.kill(process.toHandle());
            throw e;
        }
        ProcessTree.kill(process.toHandle());
        process.waitFor();
        return false;
    }

    private static AppOutcome byExitCode(int exitCode, String stderrTail) {
        if (exitCode == 0) {
            return AppOutcome.success(exitCode).withExitCode(exitCode);
        }
        String failure = "BashExitFailure: exit code " + exitCode;
        return AppOutcome.failure(stderrTail.isEmpty() ? failure : failure + "\nstderr:\n" + stderrTail)
                .withExitCode(exitCode);
    }
}
