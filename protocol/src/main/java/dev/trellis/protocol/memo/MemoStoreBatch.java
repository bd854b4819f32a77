package dev.trellis.protocol.memo;

import java.util.List;

/**
 * Results to memoize, sent by the scheduler on {@code trellis.memo.store}. Kafka keeps them while
 * the checkpoint-service is down, so none is lost; the batch id makes a redelivery harmless.
 *
 * @param batchId       unique per batch; when {@code checkpoint} is true it is also the new checkpoint's id
 * @param checkpoint    record the entries as a checkpoint of the workflow (incremental: only new entries)
 * @param mode          the checkpoint mode that produced the batch (task_exit, periodic, workflow_exit, manual)
 */
public record MemoStoreBatch(
        int version,
        String batchId,
        String workflowName,
        String workflowId,
        String mode,
        boolean checkpoint,
        List<MemoRecord> entries,
        long sentAtMillis) {

    public static final int CURRENT_VERSION = 1;

    public MemoStoreBatch {
        entries = entries == null ? List.of() : entries;
    }
}
