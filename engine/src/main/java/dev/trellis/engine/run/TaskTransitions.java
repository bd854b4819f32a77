package dev.trellis.engine.run;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
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

    private static final Map<TaskState, Set<TaskState>> ALLOWED = new EnumMap<>(TaskState.class);

    static {
        allow(WAITING, READY, DEPENDENCY_FAILED, CANCELLED);
        allow(READY, QUEUED, CACHED, CANCELLED);
        // A worker may report the outcome without a separate start. Back to READY: the attempt
        // was lost with its worker and runs again.
        allow(QUEUED, RUNNING, SUCCEEDED, FAILED, RETRY_WAIT, READY, CANCELLED);
        allow(RUNNING, SUCCEEDED, FAILED, RETRY_WAIT, READY, CANCELLED);
        allow(RETRY_WAIT, READY, CANCELLED);
        for (TaskState state : TaskState.values()) {
            ALLOWED.putIfAbsent(state, EnumSet.noneOf(TaskState.class));
        }
    }

    private TaskTransitions() {
    }

    private static void allow(TaskState from, TaskState... to) {
        EnumSet<TaskState> targets = EnumSet.noneOf(TaskState.class);
        Collections.addAll(targets, to);
        ALLOWED.put(from, targets);
    }

    public static boolean isAllowed(TaskState from, TaskState to) {
        return ALLOWED.get(from).contains(to);
    }

    public static Set<TaskState> allowedFrom(TaskState from) {
        return Collections.unmodifiableSet(ALLOWED.get(from));
    }

    /** @throws IllegalTaskTransitionException when the table has no such move */
    static void requireAllowed(String taskId, TaskState from, TaskState to) {
        if (!isAllowed(from, to)) {
            throw new IllegalTaskTransitionException(taskId, from, to);
        }
    }
}
