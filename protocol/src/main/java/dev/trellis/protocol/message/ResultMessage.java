package dev.trellis.protocol.message;

/**
 * A worker's report on one attempt, sent on the results topic: first STARTED when a slot takes
 * it, then SUCCEEDED or FAILED.
 *
 * @param result     the app's return value as JSON-compatible data (bash: the exit code)
 * @param error      why the attempt failed (exception and traceback, exit code, missing outputs)
 * @param exitCode   bash: the process exit code; null for other apps
 * @param pid        the process that ran the app (the python slot's interpreter for python apps)
 * @param stdoutTail the last lines of stdout, for a quick look without opening the file
 */
public record ResultMessage(
        int version,
        String workflowId,
        String taskId,
        int attempt,
        AttemptStatus status,
        Object result,
        String error,
        Integer exitCode,
        String site,
        String blockId,
        String workerId,
        Long pid,
        long startedAtMillis,
        long finishedAtMillis,
        String stdoutTail,
        String stderrTail) {

    public static final int CURRENT_VERSION = 1;

    public String key() {
        return workflowId + "/" + taskId;
    }
}
