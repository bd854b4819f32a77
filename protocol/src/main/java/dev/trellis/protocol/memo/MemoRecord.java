package dev.trellis.protocol.memo;

import java.util.List;

/**
 * A memoized result as the checkpoint-service's REST API carries it.
 *
 * @param cacheKey the key the scheduler computed for the task (see the README's "Caching")
 * @param outputs  the task's output files with their SHA-256, checked again on every hit
 */
public record MemoRecord(
        String cacheKey,
        String appName,
        String workflowName,
        String workflowId,
        String taskId,
        Object result,
        List<OutputDigest> outputs,
        long createdAtMillis) {

    public MemoRecord {
        outputs = outputs == null ? List.of() : outputs;
    }

    /** A file a cached task produced, relative to its workflow's data area, and its content digest. */
    public record OutputDigest(String path, String sha256) {
    }
}
