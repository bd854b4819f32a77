package dev.trellis.engine.run;

/** An event or request named a task that the workflow does not have. */
public class UnknownTaskException extends IllegalArgumentException {

    private final String taskId;

    public UnknownTaskException(String taskId) {
        super("the workflow has no task '" + taskId + "'");
        this.taskId = taskId;
    }

    public String taskId() {
        return taskId;
    }
}
