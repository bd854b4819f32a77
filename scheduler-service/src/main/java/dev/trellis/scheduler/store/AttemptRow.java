package dev.trellis.scheduler.store;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code attempts}: where and how one attempt of a task ran. */
public record AttemptRow(UUID workflowId, String taskId, int attempt, String site, String status, String blockId,
                         String workerId, Long pid, Integer exitCode, String error, String stdoutTail,
                         String stderrTail, Instant queuedAt, Instant startedAt, Instant finishedAt) {

    public static AttemptRow queued(UUID workflowId, String taskId, int attempt, String site, Instant at) {
        return new AttemptRow(workflowId, taskId, attempt, site, "QUEUED", null, null, null, null, null, null, null, at, null, null);
    }

    /** An attempt running on {@code blockId} from the moment it is stored: a continuation whose upstream just succeeded there. */
    public static AttemptRow startedOn(UUID workflowId, String taskId, int attempt, String site, String blockId, Instant at) {
        return new AttemptRow(workflowId, taskId, attempt, site, "STARTED", blockId, null, null, null, null, null, null, at, at, null);
    }
}
