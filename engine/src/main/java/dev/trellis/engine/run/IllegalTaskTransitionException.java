package dev.trellis.engine.run;

/** A move between task states that {@link TaskTransitions} does not allow: a bug or a corrupt event. */
public class IllegalTaskTransitionException extends IllegalStateException {

    private final String taskId;
    private final TaskState from;
    private final TaskState to;

    public IllegalTaskTransitionException(String taskId, TaskState from, TaskState to) {
        super("task '" + taskId + "' cannot move from " + from + " to " + to);
        this.taskId = taskId;
        this.from = from;
        this.to = to;
    }

    public String taskId() {
        return taskId;
    }

    public TaskState from() {
        return from;
    }

    public TaskState to() {
        return to;
    }
}
