package dev.trellis.scheduler.store;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What one persist of engine steps writes, for any number of workflows, all or nothing.
 *
 * @param newWorkflows submitted workflows' rows
 * @param newTasks     every task of each submitted workflow, by workflow
 * @param changedTasks tasks whose state changed (or that were added to an open workflow), by workflow
 * @param newAttempts  attempts dispatched
 * @param attemptUpdates what workers reported, and attempts the scheduler ended, in the order they happened
 * @param finished     workflows that ended, with their final status
 */
public record StepRows(List<WorkflowRow> newWorkflows, Map<UUID, List<TaskRow>> newTasks,
                       Map<UUID, List<TaskRow>> changedTasks, List<AttemptRow> newAttempts,
                       List<AttemptRow> attemptUpdates, Map<UUID, String> finished) {

    public int newTaskCount() {
        return newTasks.values().stream().mapToInt(List::size).sum();
    }
}
