package dev.trellis.scheduler.workflow;

import java.util.UUID;

/** The workflow has no task with this id. */
public class TaskNotFoundException extends RuntimeException {

    public TaskNotFoundException(UUID workflowId, String taskId) {
        super("workflow " + workflowId + " has no task '" + taskId + "'");
    }
}
