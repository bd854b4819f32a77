package dev.trellis.engine.run;

import java.time.Instant;

/**
 * A task's state as the scheduler stored it, to rebuild a run after a restart.
 *
 * @param attempt      the current attempt number (for RETRY_WAIT: the attempt that will run next)
 * @param result       the result of a SUCCEEDED or CACHED task, which dependents' args may need
 * @param retryAt      when a RETRY_WAIT task becomes ready; null means now
 * @param lostAttempts attempts lost with their worker so far, which do not use up retries
 */
public record PersistedTask(String taskId, TaskState state, int attempt, Object result, Instant retryAt, int lostAttempts) {

    public PersistedTask {
        if (attempt < 1) {
            throw new IllegalArgumentException("task '" + taskId + "' attempt must be 1 or more, not " + attempt);
        }
        if (lostAttempts < 0 || lostAttempts >= attempt) {
            throw new IllegalArgumentException("task '" + taskId + "' cannot have lost " + lostAttempts + " of " + attempt + " attempts");
        }
    }

    /** A task that never lost an attempt with its worker. */
    public PersistedTask(String taskId, TaskState state, int attempt, Object result, Instant retryAt) {
        this(taskId, state, attempt, result, retryAt, 0);
    }
}
