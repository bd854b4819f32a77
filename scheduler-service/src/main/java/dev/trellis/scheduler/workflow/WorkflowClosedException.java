package dev.trellis.scheduler.workflow;

import java.util.UUID;

/** The workflow cannot take this request any more: it is sealed or finished. */
public class WorkflowClosedException extends RuntimeException {

    public WorkflowClosedException(UUID id, String why) {
        super("workflow " + id + " cannot take this request: " + why);
    }
}
