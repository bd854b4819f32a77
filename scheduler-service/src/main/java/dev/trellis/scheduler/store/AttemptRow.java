package dev.trellis.scheduler.store;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A row of {@code attempts}: where and how one attempt of a task ran. An attempt gets its row with
 * its first news (a worker's report, or the scheduler giving up on it); until then its task's row
 * says it is queued, since when, and where.
 */
public record AttemptRow(UUID workflowId, String taskId, int attempt, String site, String status, String blockId,
                         String workerId, Long pid, Integer exitCode, String error, String stdoutTail,
                         String stderrTail, Instant queuedAt, Instant startedAt, Instant finishedAt) {

    /** What a queued attempt (one without a row of its own yet) reads back as. */
    public static final String QUEUED = "QUEUED";
    /** An attempt whose block went silent; it does not count against retries. */
    public static final String LOST = "LOST";
    /** An attempt in flight when its task was cancelled: its outcome no longer counts. */
    public static final String CANCELLED = "CANCELLED";
    /** Ends the scheduler decided: no later report may overwrite them. */
    public static final Set<String> FINAL_BY_SCHEDULER = Set.of(LOST, CANCELLED);

    /** An attempt running on {@code blockId} from the moment it is stored: a continuation whose upstream just succeeded there. */
    public static AttemptRow startedOn(UUID workflowId, String taskId, int attempt, String site, String blockId, Instant at) {
        return new AttemptRow(workflowId, taskId, attempt, site, "STARTED", blockId, null, null, null, null, null, null, at, at, null);
    }

    /** Identifies the attempt: its workflow, task and number. */
    public String key() {
        return workflowId + "/" + taskId + "#" + attempt;
    }

    /**
     * This row written over by {@code later} news of the same attempt, as the database applies it
     * (see {@code WorkflowStore}): what {@code later} leaves unknown (null block, worker, pid, start)
     * is kept, and an end the scheduler decided is kept whole.
     */
    public AttemptRow then(AttemptRow later) {
        if (FINAL_BY_SCHEDULER.contains(status)) {
            return this;
        }
        return new AttemptRow(workflowId, taskId, attempt, site, later.status, orElse(later.blockId, blockId),
                orElse(later.workerId, workerId), orElse(later.pid, pid), later.exitCode, later.error, later.stdoutTail,
                later.stderrTail, queuedAt, orElse(later.startedAt, startedAt), later.finishedAt);
    }

    private static <T> T orElse(T value, T otherwise) {
        return value != null ? value : otherwise;
    }
}
