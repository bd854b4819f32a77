package dev.trellis.protocol.message;

import dev.trellis.protocol.spec.AppSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One attempt of one task, sent by the scheduler on its site's task topic.
 *
 * <p>Paths are relative to the workflow's data area; each worker resolves them against its own
 * mount of the shared storage, so scheduler and workers need not agree on absolute paths.
 *
 * @param appName        the app's name in the workflow (python's default function name)
 * @param args           arguments with every reference already replaced by its value
 * @param attempt        1 for the first attempt; results of older attempts are ignored
 * @param then           the task's continuation, or null: its only dependent, which the block runs
 *                       in the same slot once this attempt succeeds (and never after a failure), so a
 *                       chain crosses the broker once for two tasks. The scheduler counts it as
 *                       running on the block from the moment it applies this task's success.
 * @param thenResultArgs the continuation's args that take this task's result (null in its {@code args})
 */
public record TaskMessage(
        int version,
        String workflowId,
        String taskId,
        int attempt,
        String site,
        String appName,
        AppSpec app,
        Map<String, Object> args,
        List<String> inputs,
        List<String> outputs,
        TaskMessage then,
        List<String> thenResultArgs) {

    /** Version 2 carries continuations; a message without one is still version 1, which older blocks read. */
    public static final int CURRENT_VERSION = 2;
    private static final int WITHOUT_CONTINUATION = 1;

    public TaskMessage {
        args = args == null ? Map.of() : args;
        inputs = inputs == null ? List.of() : inputs;
        outputs = outputs == null ? List.of() : outputs;
        thenResultArgs = thenResultArgs == null ? List.of() : thenResultArgs;
    }

    /** An attempt without a continuation. */
    public TaskMessage(String workflowId, String taskId, int attempt, String site, String appName, AppSpec app,
                       Map<String, Object> args, List<String> inputs, List<String> outputs) {
        this(WITHOUT_CONTINUATION, workflowId, taskId, attempt, site, appName, app, args, inputs, outputs, null, null);
    }

    /**
     * This attempt with {@code continuation} to run after it; a block older than version 2 refuses
     * it (dead-letters it) rather than drop the continuation unseen.
     */
    public TaskMessage withContinuation(TaskMessage continuation, List<String> resultArgs) {
        return new TaskMessage(CURRENT_VERSION, workflowId, taskId, attempt, site, appName, app, args, inputs, outputs,
                continuation, List.copyOf(resultArgs));
    }

    /** The continuation as an attempt of its own, its result args given this task's result. */
    public TaskMessage continuationAfter(Object result) {
        Map<String, Object> resolved = new LinkedHashMap<>(then.args);
        thenResultArgs.forEach(name -> resolved.put(name, result));
        return new TaskMessage(then.version, then.workflowId, then.taskId, then.attempt, then.site, then.appName, then.app,
                Collections.unmodifiableMap(resolved), then.inputs, then.outputs, then.then, then.thenResultArgs);
    }

    /** The key that routes every attempt of a task to the same partition. */
    public String key() {
        return workflowId + "/" + taskId;
    }
}
