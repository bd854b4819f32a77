package dev.trellis.protocol.memo;

/** A checkpoint as {@code GET /api/checkpoints} lists it. */
public record CheckpointView(String id, String workflowName, String workflowId, String mode, long createdAtMillis,
                             int entryCount) {
}
