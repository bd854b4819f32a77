package dev.trellis.engine.run;

import dev.trellis.engine.TransitionTable;

import java.util.Set;

import static dev.trellis.engine.run.TaskState.CACHED;
import static dev.trellis.engine.run.TaskState.CANCELLED;
import static dev.trellis.engine.run.TaskState.DEPENDENCY_FAILED;
import static dev.trellis.engine.run.TaskState.FAILED;
import static dev.trellis.engine.run.TaskState.QUEUED;
import static dev.trellis.engine.run.TaskState.READY;
import static dev.trellis.engine.run.TaskState.RETRY_WAIT;
import static dev.trellis.engine.run.TaskState.RUNNING;
import static dev.trellis.engine.run.TaskState.SUCCEEDED;
import static dev.trellis.engine.run.TaskState.WAITING;

/** The one table of legal task-state moves. Terminal states have none. */
public final class TaskTransitions {

    private static final TransitionTable<TaskState> TABLE = TransitionTable.of(TaskState.class)
            .allow(WAITING, READY, DEPENDENCY_FAILED, CANCELLED)
            .allow(READY, QUEUED, CACHED, CANCELLED)
            // A worker may report the outcome without a separate start. Back to READY: the attempt
            // was lost with its worker and runs again.
            .allow(QUEUED, RUNNING, SUCCEEDED, FAILED, RETRY_WAIT, READY, CANCELLED)
            .allow(RUNNING, SUCCEEDED, FAILED, RETRY_WAIT, READY, CANCELLED)
            .allow(RETRY_WAIT, READY, CANCELLED)
            .build();

    private TaskTransitions() {
    }

    public static boolean isAllowed(TaskState from, TaskState to) {
        return TABLE.isAllowed(from, to);
    }

    public static Set<TaskState> allowedFrom(TaskState from) {
        return TABLE.allowedFrom(from);
    }

    /** @throws IllegalTaskTransitionException when the table has no such move */
    static void requireAllowed(String taskId, TaskState from, TaskState to) {
        if (!isAllowed(from, to)) {
            throw new IllegalTaskTransitionException(taskId, from, to);
        }
    }
}
