package dev.trellis.worker.app;

import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppType;

import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one task attempt: prepares its workspace, hands it to the runner for its app type and
 * turns everything that can go wrong into a failed outcome, so the caller always has a result to
 * report. A run that succeeded without producing every declared output fails with
 * {@code MissingOutputs} (as in Parsl), whatever the app type.
 */
public final class AppExecutor {

    private final Path dataRoot;
    private final Map<AppType, AppRunner> runners = new EnumMap<>(AppType.class);

    /**
     * @param dataRoot the storage shared with the scheduler, holding one area per workflow
     * @param runners  at most one runner per app type
     */
    public AppExecutor(Path dataRoot, Collection<? extends AppRunner> runners) {
        this.dataRoot = dataRoot;
        for (AppRunner runner : runners) {
            AppRunner previous = this.runners.putIfAbsent(runner.type(), runner);
            if (previous != null) {
                throw new IllegalArgumentException("two runners for " + runner.type().wireName() + " apps: "
                        + previous.getClass().getSimpleName() + " and " + runner.getClass().getSimpleName());
            }
        }
    }

    public Set<AppType> supportedTypes() {
        return Set.copyOf(runners.keySet());
    }

    /**
     * Runs the task on the slot and returns its outcome; never throws. An interrupt (worker
     * shutdown, cancellation) stops the app and is reported as a failure with the thread's
     * interrupt flag restored.
     */
    public AppOutcome execute(TaskMessage task, Slot slot) {
        if (task.app() == null || task.app().type() == null) {
            return AppOutcome.failure("task " + task.key() + " names no app type");
        }
        AppRunner runner = runners.get(task.app().type());
        if (runner == null) {
            return AppOutcome.failure("this worker cannot run " + task.app().type().wireName()
                    + " apps; it runs " + runners.keySet().stream().map(AppType::wireName).toList());
        }
        try {
            TaskWorkspace workspace = TaskWorkspace.prepare(dataRoot, task, runner.needsWorkingDirectory());
            AppOutcome outcome = runner.run(task, workspace, slot);
            return outcome.succeeded() ? withOutputsChecked(outcome, workspace) : outcome;
        } catch (PathEscapeException e) {
            return AppOutcome.failure("PathEscape: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AppOutcome.failure("Interrupted: the worker stopped the app while shutting down");
        } catch (Exception e) {
            return AppOutcome.failure(e);
        }
    }

    private static AppOutcome withOutputsChecked(AppOutcome outcome, TaskWorkspace workspace) {
        List<String> missing = workspace.missingOutputs();
        return missing.isEmpty() ? outcome : outcome.asFailure("MissingOutputs: " + String.join(", ", missing));
    }
}
