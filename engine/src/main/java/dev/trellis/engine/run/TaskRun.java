package dev.trellis.engine.run;

import dev.trellis.engine.plan.PlannedTask;

import java.util.ArrayList;
import java.util.List;

/** The mutable run-time side of one planned task. Only {@link #moveTo} changes its state. */
final class TaskRun {

    final PlannedTask task;
    /** Tasks that need this one, filled as the graph is wired. */
    final List<TaskRun> dependents = new ArrayList<>();
    private TaskState state;
    /** The current attempt's number; for RETRY_WAIT, the number of the attempt to come. */
    int attempt;
    /** Attempts lost with their worker; they do not count against the task's retries. */
    int lostAttempts;
    /** Dependencies that have not succeeded; the task is ready when this reaches zero. */
    int unfinishedDependencies;
    Object result;
    /** Why the task is in its state, as reported in the last change. */
    String reason;

    TaskRun(PlannedTask task, TaskState state, int attempt) {
        this.task = task;
        this.state = state;
        this.attempt = attempt;
    }

    String id() {
        return task.id();
    }

    TaskState state() {
        return state;
    }

    /** @throws IllegalTaskTransitionException when the move is not in {@link TaskTransitions} */
    void moveTo(TaskState to) {
        TaskTransitions.requireAllowed(task.id(), state, to);
        state = to;
    }
}
