package dev.trellis.engine.plan;

/** An input file of a planned task: another task's output or a file already in the data area. */
public sealed interface FileRef {

    /** The file's path relative to the workflow's data area. */
    String path();

    /** The {@code index}th output of task {@code taskId}; reading it waits for that task. */
    record TaskOutput(String taskId, int index, String path) implements FileRef {
    }

    /** A file the workflow does not produce: it must be in the data area before the task runs. */
    record DataFile(String path) implements FileRef {
    }
}
