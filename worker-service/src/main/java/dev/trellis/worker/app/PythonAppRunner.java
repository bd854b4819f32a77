package dev.trellis.worker.app;

import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.AppType;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Runs python apps (Parsl's {@code @App('python')}) in the slot's long-lived interpreter: the
 * app's source is executed in a fresh namespace and its function called with the args as keyword
 * arguments, plus {@code inputs} and {@code outputs} (absolute paths) when it accepts them.
 */
public final class PythonAppRunner implements AppRunner {

    @Override
    public AppType type() {
        return AppType.PYTHON;
    }

    @Override
    public AppOutcome run(TaskMessage task, TaskWorkspace workspace, Slot slot) throws IOException, InterruptedException {
        AppSpec app = task.app();
        if (app.source() == null || app.source().isBlank()) {
            return AppOutcome.failure("a python app needs source defining its function");
        }
        PythonSlotProcess python = slot.python();
        AppOutcome outcome;
        try {
            outcome = outcomeOf(python.call(request(task, workspace), app.walltimeSeconds()));
        } catch (TimeoutException e) {
            outcome = AppOutcome.walltimeExceeded(app.walltimeSeconds()).withPid(python.pid());
        } catch (PythonProcessExitedException e) {
            outcome = AppOutcome.failure(e.getMessage()).withPid(python.pid());
        }
        return outcome.withOutputTails(OutputTail.of(workspace.stdoutFile()), OutputTail.of(workspace.stderrFile()));
    }

    private static Map<String, Object> request(TaskMessage task, TaskWorkspace workspace) {
        AppSpec app = task.app();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("source", app.source());
        request.put("function", app.function() != null ? app.function() : task.appName());
        request.put("args", task.args());
        request.put("inputs", workspace.inputsAsText());
        request.put("outputs", workspace.outputsAsText());
        request.put("cwd", workspace.workingDir().toString());
        request.put("stdout", workspace.stdoutFile().toString());
        request.put("stderr", workspace.stderrFile().toString());
        return request;
    }

    private static AppOutcome outcomeOf(Map<String, Object> reply) {
        AppOutcome outcome = Boolean.TRUE.equals(reply.get("ok"))
                ? AppOutcome.success(reply.get("value"))
                : AppOutcome.failure(reply.get("error") + "\n" + reply.get("traceback"));
        // the pid the app itself sees from os.getpid()
        return outcome.withPid(((Number) reply.get("pid")).longValue());
    }
}
