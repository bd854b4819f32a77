package dev.trellis.scheduler.store;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What one engine step of one or more workflows writes, all or nothing: submitted workflows with
 * their tasks, changed task rows, attempts with news (at most one row each, see
 * {@link AttemptRow#then}), and the workflows that ended (by id, with their final status).
 */
public record StepRows(List<WorkflowRow> newWorkflows, Map<UUID, List<TaskRow>> newTasks,
                       Map<UUID, List<TaskRow>> changedTasks, List<AttemptRow> attempts, Map<UUID, String> finished) {

    int rowCount() {
        return newWorkflows.size() + newTasks.values().stream().mapToInt(List::size).sum()
                + changedTasks.values().stream().mapToInt(List::size).sum() + attempts.size() + finished.size();
    }
}
