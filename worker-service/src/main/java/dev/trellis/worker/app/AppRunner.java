package dev.trellis.worker.app;

import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppType;

/**
 * The worker's extension point: runs one kind of app. Exceptions thrown here become failed
 * outcomes in {@link AppExecutor}, which also checks declared outputs, so a runner only reports
 * what its app did.
 */
public interface AppRunner {

    AppType type();

    /**
     * Whether the task's working directory must exist before {@link #run}: a process app runs in
     * it and writes its stdout and stderr there. An in-process app that does not need one saves the
     * directories a task would otherwise cost.
     */
    default boolean needsWorkingDirectory() {
        return true;
    }

    /**
     * Runs one attempt in the task's working directory, on the given slot of this block.
     *
     * @throws InterruptedException when the worker stops the attempt (shutdown, cancellation); the
     *                              app has been stopped
     */
    AppOutcome run(TaskMessage task, TaskWorkspace workspace, Slot slot) throws Exception;
}
