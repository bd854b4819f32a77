package dev.trellis.protocol.message;

import dev.trellis.protocol.spec.AppSpec;

import java.util.List;
import java.util.Map;

/**
 * One attempt of one task, sent by the scheduler on its site's task topic.
 *
 * <p>Paths are relative to the workflow's data area; each worker resolves them against its own
 * mount of the shared storage, so scheduler and workers need not agree on absolute paths.
 *
 * @param appName  the app's name in the workflow (python's default function name)
 * @param args     arguments with every reference already replaced by its value
 * @param attempt  1 for the first attempt; results of older attempts are ignored
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
        List<String> outputs) {

    public static final int CURRENT_VERSION = 1;

    public TaskMessage {
        args = args == null ? Map.of() : args;
        inputs = inputs == null ? List.of() : inputs;
        outputs = outputs == null ? List.of() : outputs;
    }

    /** The key that routes every attempt of a task to the same partition. */
    public String key() {
        return workflowId + "/" + taskId;
    }
}
