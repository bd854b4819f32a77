package dev.trellis.worker.app;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * What one attempt of an app produced, as the worker reports it.
 *
 * @param result     the return value as JSON-compatible data (Map, List, String, Number, Boolean
 *                   or null); bash: the exit code 0. Null on failure.
 * @param error      why the attempt failed; null on success
 * @param exitCode   bash: the process exit code; null for other apps or when it never exited
 * @param pid        the process that ran the app (bash: the bash process, python: the slot's
 *                   interpreter, java: the worker itself)
 * @param stdoutTail the last lines of the app's stdout; null when not captured (java apps)
 * @param stderrTail the last lines of the app's stderr; null when not captured (java apps)
 */
public record AppOutcome(
        boolean succeeded,
        Object result,
        String error,
        Integer exitCode,
        Long pid,
        String stdoutTail,
        String stderrTail) {

    public AppOutcome {
        if (succeeded && error != null) {
            throw new IllegalArgumentException("a successful outcome has no error");
        }
        if (!succeeded && (error == null || result != null)) {
            throw new IllegalArgumentException("a failed outcome has an error and no result");
        }
    }

    public static AppOutcome success(Object result) {
        return new AppOutcome(true, result, null, null, null, null, null);
    }

    public static AppOutcome failure(String error) {
        return new AppOutcome(false, null, error, null, null, null, null);
    }

    /** A failure carrying the exception's class, message and stack trace. */
    public static AppOutcome failure(Throwable exception) {
        StringWriter trace = new StringWriter();
        exception.printStackTrace(new PrintWriter(trace));
        return failure(trace.toString().stripTrailing());
    }

    public static AppOutcome walltimeExceeded(int walltimeSeconds) {
        return failure("Walltime exceeded after " + walltimeSeconds + "s");
    }

    /** The same process facts, but failed: a run that exited cleanly can still fail a check. */
    public AppOutcome asFailure(String error) {
        return new AppOutcome(false, null, error, exitCode, pid, stdoutTail, stderrTail);
    }

    public AppOutcome withPid(long pid) {
        return new AppOutcome(succeeded, result, error, exitCode, pid, stdoutTail, stderrTail);
    }

    public AppOutcome withExitCode(int exitCode) {
        return new AppOutcome(succeeded, result, error, exitCode, pid, stdoutTail, stderrTail);
    }

    public AppOutcome withOutputTails(String stdoutTail, String stderrTail) {
        return new AppOutcome(succeeded, result, error, exitCode, pid, stdoutTail, stderrTail);
    }
}
