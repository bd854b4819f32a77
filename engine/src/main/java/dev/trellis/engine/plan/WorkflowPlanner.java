package dev.trellis.engine.plan;

import dev.trellis.protocol.spec.TaskSpec;
import dev.trellis.protocol.spec.WorkflowSettings;
import dev.trellis.protocol.spec.WorkflowSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Validates a submitted workflow and turns it into a {@link WorkflowPlan}: templates expanded,
 * references resolved into dependency edges and file refs. Every problem is reported at once, each
 * with a JSON path into the spec, so a user fixes a spec in one round trip.
 */
public final class WorkflowPlanner {

    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9._-]+");
    private static final int MAX_TASK_ID_LENGTH = 200;
    private static final int CYCLE_NAMES_SHOWN = 12;

    private final Set<String> knownSites;
    private final PlanLimits limits;

    public WorkflowPlanner(Set<String> knownSites) {
        this(knownSites, PlanLimits.DEFAULTS);
    }

    public WorkflowPlanner(Set<String> knownSites, PlanLimits limits) {
        this.knownSites = Set.copyOf(knownSites);
        this.limits = limits;
    }

    /** @throws InvalidWorkflowException listing every problem when the spec cannot run */
    public WorkflowPlan plan(WorkflowSpec spec) {
        ProblemCollector problems = new ProblemCollector();
        checkSettings(spec.settings(), problems);
        AppCatalog apps = AppCatalog.checked(spec.apps(), knownSites, problems);
        List<PlannedTask> tasks = planTasks(spec.settings(), apps, List.of(), spec.tasks(), problems);
        problems.throwIfAny();
        return new WorkflowPlan(spec.settings(), spec.apps(), tasks);
    }

    /**
     * Plans tasks added to a running workflow. Their references may name existing tasks or each
     * other; problem paths are {@code $.tasks[i]} of {@code newTasks}.
     *
     * @return a plan holding only the new tasks; {@link WorkflowPlan#plus} gives the whole workflow
     * @throws InvalidWorkflowException listing every problem when the new tasks cannot run
     */
    public WorkflowPlan planAdditional(WorkflowPlan existing, List<TaskSpec> newTasks) {
        ProblemCollector problems = new ProblemCollector();
        List<PlannedTask> tasks = planTasks(existing.settings(), AppCatalog.of(existing.apps()), existing.tasks(), newTasks, problems);
        problems.throwIfAny();
        return new WorkflowPlan(existing.settings(), existing.apps(), tasks);
    }

    private void checkSettings(WorkflowSettings settings, ProblemCollector problems) {
        if (settings.retries() < 0) {
            problems.add("$.settings.retries", "invalid-value", "retries must be 0 or more, not " + settings.retries());
        }
        if (settings.retryBackoffMs() < 0) {
            problems.add("$.settings.retryBackoffMs", "invalid-value", "retryBackoffMs must be 0 or more, not " + settings.retryBackoffMs());
        }
        if (settings.defaultSite() != null && !knownSites.contains(settings.defaultSite())) {
            problems.add("$.settings.defaultSite", "unknown-site",
                    "default site '" + settings.defaultSite() + "' is not configured; known sites are " + new TreeSet<>(knownSites));
        }
    }

    private List<PlannedTask> planTasks(WorkflowSettings settings, AppCatalog apps, List<PlannedTask> existing,
                                        List<TaskSpec> specs, ProblemCollector problems) {
        long total = existing.size();
        for (TaskSpec spec : specs) {
            total = Math.min(Long.MAX_VALUE / 2, total + TemplateExpander.sizeOf(spec));
        }
        if (total > limits.maxTasks()) {
            problems.add(SpecPath.TASKS, "too-many-tasks",
                    "the workflow would have " + total + " tasks after expansion; the limit is " + limits.maxTasks());
            return List.of();
        }
        List<ExpandedTask> expanded = new ArrayList<>((int) total);
        for (int i = 0; i < specs.size(); i++) {
            expanded.addAll(TemplateExpander.expand(specs.get(i), i, problems));
        }
        TaskIndex index = new TaskIndex(expanded.size() + existing.size());
        for (PlannedTask task : existing) {
            index.add(task.id(), task.outputs());
            for (int i = 0; i < task.outputs().size(); i++) {
                index.claimOutput(task.outputs().get(i), task.id(), i);
            }
        }
        List<ExpandedTask> registered = registerIdsAndOutputs(expanded, index, problems);

        TaskResolver resolver = new TaskResolver(settings, apps, index, limits, problems);
        List<PlannedTask> planned = new ArrayList<>(registered.size());
        for (ExpandedTask task : registered) {
            planned.add(resolver.resolve(task));
        }
        reportCycles(registered, planned, problems);
        return planned;
    }

    private static void reportCycles(List<ExpandedTask> tasks, List<PlannedTask> planned, ProblemCollector problems) {
        List<List<String>> cycles = CycleFinder.cycles(planned);
        if (cycles.isEmpty()) {
            return;
        }
        Map<String, String> pathOfId = new HashMap<>();
        for (ExpandedTask task : tasks) {
            pathOfId.putIfAbsent(task.id(), task.path());
        }
        for (List<String> cycle : cycles) {
            problems.add(pathOfId.get(cycle.get(0)), "cycle",
                    "tasks wait for each other in a cycle: " + describe(cycle) + " (each needs the one before it)");
        }
    }

    /**
     * Checks ids and output paths and enters them in the index that references resolve against.
     *
     * @return the tasks with their output paths normalized
     */
    private static List<ExpandedTask> registerIdsAndOutputs(List<ExpandedTask> tasks, TaskIndex index, ProblemCollector problems) {
        Map<String, ExpandedTask> firstWithId = new HashMap<>(tasks.size() * 2);
        List<ExpandedTask> registered = new ArrayList<>(tasks.size());
        for (ExpandedTask task : tasks) {
            if (!TASK_ID.matcher(task.id()).matches() || task.id().length() > MAX_TASK_ID_LENGTH) {
                problems.add(task, ".id", "invalid-task-id", "task id '" + task.id() + "' must be 1 to " + MAX_TASK_ID_LENGTH
                        + " letters, digits, '.', '_' or '-'");
            }
            List<String> outputs = checkedOutputs(task, problems);
            registered.add(task.withOutputs(outputs));
            ExpandedTask first = firstWithId.putIfAbsent(task.id(), task);
            if (first != null || !index.add(task.id(), outputs)) {
                String where = first != null ? first.path() : "a task added earlier";
                problems.add(task, ".id", "duplicate-task-id", "task id '" + task.id() + "' is already used by " + where);
                continue;
            }
            for (int i = 0; i < outputs.size(); i++) {
                Optional<TaskIndex.OutputOwner> owner = index.claimOutput(outputs.get(i), task.id(), i);
                if (owner.isPresent()) {
                    problems.add(task, ".outputs[" + i + "]", "duplicate-output", "task '" + task.id() + "' writes '" + outputs.get(i)
                            + "', which task '" + owner.get().taskId() + "' also writes");
                }
            }
        }
        return registered;
    }

    private static List<String> checkedOutputs(ExpandedTask task, ProblemCollector problems) {
        List<String> outputs = new ArrayList<>(task.outputs().size());
        for (int i = 0; i < task.outputs().size(); i++) {
            String output = task.outputs().get(i);
            String path = ".outputs[" + i + "]";
            if (output == null || DataAreaPath.namesNoFile(output)) {
                problems.add(task, path, "invalid-value", "task '" + task.id() + "' has an output that names no file: '" + output + "'");
                outputs.add(String.valueOf(output));
                continue;
            }
            DataAreaPath.escape(output).ifPresent(reason -> problems.add(task, path, "output-path-escapes-data-area",
                    "task '" + task.id() + "' output '" + output + "' " + reason + "; paths are relative to the workflow's data area"));
            outputs.add(DataAreaPath.normalize(output));
        }
        return outputs;
    }

    private static String describe(List<String> cycle) {
        if (cycle.size() <= CYCLE_NAMES_SHOWN) {
            return String.join(" -> ", cycle);
        }
        int half = CYCLE_NAMES_SHOWN / 2;
        return String.join(" -> ", cycle.subList(0, half)) + " -> ... (" + (cycle.size() - 2 * half) + " more) -> "
                + String.join(" -> ", cycle.subList(cycle.size() - half, cycle.size()));
    }
}
