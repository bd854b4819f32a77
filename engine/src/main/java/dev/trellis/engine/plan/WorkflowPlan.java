package dev.trellis.engine.plan;

import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.WorkflowSettings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A validated workflow: its settings, apps and tasks in the order they were declared and generated. */
public final class WorkflowPlan {

    private final WorkflowSettings settings;
    private final Map<String, AppSpec> apps;
    private final List<PlannedTask> tasks;
    private final Map<String, PlannedTask> tasksById;

    public WorkflowPlan(WorkflowSettings settings, Map<String, AppSpec> apps, List<PlannedTask> tasks) {
        this.settings = settings;
        this.apps = Map.copyOf(apps);
        this.tasks = List.copyOf(tasks);
        this.tasksById = new HashMap<>(tasks.size() * 2);
        for (PlannedTask task : tasks) {
            if (tasksById.putIfAbsent(task.id(), task) != null) {
                throw new IllegalArgumentException("task id '" + task.id() + "' appears twice in a plan");
            }
        }
    }

    public WorkflowSettings settings() {
        return settings;
    }

    public Map<String, AppSpec> apps() {
        return apps;
    }

    public List<PlannedTask> tasks() {
        return tasks;
    }

    public Optional<PlannedTask> task(String taskId) {
        return Optional.ofNullable(tasksById.get(taskId));
    }

    public boolean contains(String taskId) {
        return tasksById.containsKey(taskId);
    }

    public int size() {
        return tasks.size();
    }

    /** This plan with the tasks of a dynamic addition appended. */
    public WorkflowPlan plus(WorkflowPlan addition) {
        List<PlannedTask> all = new ArrayList<>(tasks.size() + addition.tasks.size());
        all.addAll(tasks);
        all.addAll(addition.tasks);
        return new WorkflowPlan(settings, apps, all);
    }
}
