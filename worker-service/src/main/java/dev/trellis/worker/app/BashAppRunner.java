package dev.trellis.worker.app;

import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.AppType;
import dev.trellis.protocol.spec.CommandTemplate;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * Runs bash apps (Parsl's {@code @App('bash')}): the command template is rendered over the
 * absolute input and output paths and the args, then run by the slot's long-lived bash in a
 * subshell in the task's working directory, with stdout and stderr written to files there. Exit
 * code 0 is success; at the walltime the command and everything it started are killed.
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
        if (command.indexOf('\0') >= 0) {
            // Bash cannot hold a NUL in a string, and its read of the script would skip it and run out of step.
            return AppOutcome.failure("a bash command cannot contain a NUL character (\\u0000); check the args rendered into it");
        }

        BashSlotProcess bash = slot.bash();
        Integer walltimeSeconds = app.walltimeSeconds();
        OptionalInt exitCode;
        String shellExited = null;
        try {
            exitCode = bash.run(command, workspace.workingDir(), workspace.stdoutFile(), workspace.stderrFile(), walltimeSeconds);
        } catch (BashProcessExitedException e) {
            exitCode = OptionalInt.empty();
            shellExited = e.getMessage();
        }
        String stderrTail = OutputTail.of(workspace.stderrFile());
        AppOutcome outcome = shellExited != null ? AppOutcome.failure(shellExited)
                : exitCode.isPresent() ? byExitCode(exitCode.getAsInt(), stderrTail)
                : AppOutcome.walltimeExceeded(walltimeSeconds);
        return outcome.withPid(bash.pid()).withOutputTails(OutputTail.of(workspace.stdoutFile()), stderrTail);
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
