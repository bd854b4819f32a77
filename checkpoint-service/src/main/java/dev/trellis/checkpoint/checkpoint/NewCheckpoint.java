package dev.trellis.checkpoint.checkpoint;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A checkpoint to record: the keys a workflow run stored since its previous checkpoint.
 *
 * @param mode      the checkpoint mode's wire name (task_exit, periodic, workflow_exit, manual)
 * @param createdAt when the run took it (the scheduler's clock), which orders a workflow's runs
 */
public record NewCheckpoint(UUID id, String workflowName, UUID workflowId, String mode, Instant createdAt, Set<String> keys) {

    public NewCheckpoint {
        keys = Set.copyOf(keys);
    }
}
