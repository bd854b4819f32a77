package dev.trellis.checkpoint.checkpoint;

import dev.trellis.protocol.memo.CheckpointView;

import java.time.Instant;
import java.util.UUID;

/** A recorded checkpoint and how many of its entries are still stored (invalidation removes some). */
record StoredCheckpoint(UUID id, String workflowName, UUID workflowId, String mode, Instant createdAt, int entryCount) {

    CheckpointView toView() {
        return new CheckpointView(id.toString(), workflowName, workflowId.toString(), mode, createdAt.toEpochMilli(), entryCount);
    }
}
