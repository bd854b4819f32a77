package dev.trellis.engine.run;

/** Where a task is in its life; the constants say what each state means so callers need no if-chains. */
public enum TaskState {
    /** Some dependency has not succeeded yet. */
    WAITING(Kind.PENDING),
    /** Every dependency succeeded: look up the memo cache or send it to a site. */
    READY(Kind.PENDING),
    /** Sent to a site's task topic. */
    QUEUED(Kind.IN_FLIGHT),
    /** A worker is running the current attempt. */
    RUNNING(Kind.IN_FLIGHT),
    /** An attempt failed and another is due after the back-off. */
    RETRY_WAIT(Kind.PENDING),
    SUCCEEDED(Kind.SUCCESS),
    /** Result taken from the memo cache; as good as SUCCEEDED. */
    CACHED(Kind.SUCCESS),
    /** The last allowed attempt failed. */
    FAILED(Kind.FAILURE),
    /** Will never run because a task it needs failed (lazy error policy). */
    DEPENDENCY_FAILED(Kind.FAILURE),
    CANCELLED(Kind.CANCELLED);

    private enum Kind { PENDING, IN_FLIGHT, SUCCESS, FAILURE, CANCELLED }

    private final Kind kind;

    TaskState(Kind kind) {
        this.kind = kind;
    }

    /** No further move is possible. */
    public boolean isTerminal() {
        return kind == Kind.SUCCESS || kind == Kind.FAILURE || kind == Kind.CANCELLED;
    }

    /** The task has a result that dependents can use. */
    public boolean isSuccessful() {
        return kind == Kind.SUCCESS;
    }

    /** The task failed, itself or through a dependency; the workflow cannot succeed. */
    public boolean isFailure() {
        return kind == Kind.FAILURE;
    }

    /** An attempt is out at a site: a result may still arrive. */
    public boolean isInFlight() {
        return kind == Kind.IN_FLIGHT;
    }
}
