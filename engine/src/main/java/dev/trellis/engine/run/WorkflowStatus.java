package dev.trellis.engine.run;

/** Where a workflow run is as a whole. */
public enum WorkflowStatus {
    RUNNING,
    /** Every task succeeded or was cached. */
    SUCCEEDED,
    /** Some task failed, itself or through a dependency. */
    FAILED,
    /** Cancelled on request, or some task was, and no task failed. */
    CANCELLED;

    public boolean isFinished() {
        return this != RUNNING;
    }
}
