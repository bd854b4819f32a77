package dev.trellis.protocol.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** When the results of a workflow's cacheable tasks become a checkpoint. */
public enum CheckpointMode {
    /** No checkpoints: cached results are reused inside the run only. */
    NONE("none"),
    /** Each result is checkpointed as its task ends. */
    TASK_EXIT("task_exit"),
    /** Results gathered since the last checkpoint are checkpointed every period. */
    PERIODIC("periodic"),
    /** One checkpoint when the workflow finishes. */
    WORKFLOW_EXIT("workflow_exit"),
    /** A checkpoint whenever asked for over REST. */
    MANUAL("manual");

    private final String wireName;

    CheckpointMode(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static CheckpointMode fromWire(String value) {
        for (CheckpointMode mode : values()) {
            if (mode.wireName.equalsIgnoreCase(value) || mode.name().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("checkpoint mode must be none, task_exit, periodic, workflow_exit or manual, not '" + value + "'");
    }
}
