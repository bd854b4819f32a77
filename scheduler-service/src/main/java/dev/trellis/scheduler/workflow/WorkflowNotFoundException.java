package dev.trellis.scheduler.workflow;

import java.util.UUID;

/** No workflow has this id. */
public class WorkflowNotFoundException extends RuntimeException {

    public WorkflowNotFoundException(UUID id) {
        super("no workflow has id " + id);
    }
}
