package dev.trellis.engine.plan;

import dev.trellis.engine.plan.FileRef.DataFile;
import dev.trellis.engine.plan.FileRef.TaskOutput;
import dev.trellis.engine.plan.ResultReference.ResultListRef;
import dev.trellis.engine.plan.ResultReference.ResultRef;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.WorkflowSettings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Resolves one expanded task against the whole workflow: its app, the tasks its references and
 * {@code after} name, its input files, and the checks that need both (command placeholders, sizes).
 */
final class TaskResolver {

    private static final Pattern AFTER_ENTRY = Pattern.compile("[A-Za-z0-9._*-]+");
    private static final int RESULT_REFERENCE_BYTES = 64;

    private final WorkflowSettings settings;
    private final AppCatalog apps;
    private final TaskIndex index;
    private final PlanLimits limits;
    private final ProblemCollector problems;
    /** Generated tasks repeat the same reference text, so each text is parsed once. */
    private final Map<String, Optional<Reference>> parsedReferences = new HashMap<>();

    TaskResolver(WorkflowSettings settings, AppCatalog apps, TaskIndex index, PlanLimits limits, ProblemCollector problems) {
        this.settings = settings;
        this.apps = apps;
        this.index = index;
        this.limits = limits;
        this.problems = problems;
    }

    /** @param task a task whose outputs have been checked and normalized */
    PlannedTask resolve(ExpandedTask task) {
        Set<String> dependencies = new LinkedHashSet<>();
        Map<String, Object> args = resolveArgs(task, dependencies);
        List<FileRef> inputs = resolveInputs(task, dependencies);
        List<String> outputs = task.outputs();
        resolveAfter(task, dependencies);
        checkArgSize(task, args);
        AppSpec app = appOf(task);
        if (app == null) {
            // The plan will be rejected; resolving on finds the task's other problems.
            return new PlannedTask(task.id(), task.app(), null, args, inputs, outputs, dependencies, List.of(), 1, null);
        }
        checkCommand(task, inputs.size(), outputs.size(), args);
        int retries = app.retries() != null ? app.retries() : settings.retries();
        // A null site name is reported with the app; skipping it here keeps planning going.
        List<String> sites = app.sites().stream().filter(Objects::nonNull).toList();
        return new PlannedTask(task.id(), task.app(), app, args, inputs, outputs, dependencies,
                sites, 1 + Math.max(0, retries), app.walltimeSeconds());
    }

    private AppSpec appOf(ExpandedTask task) {
        if (task.app() == null || task.app().isBlank()) {
            problems.add(task, ".app", "missing-field", "task '" + task.id() + "' needs an app");
            return null;
        }
        if (!apps.contains(task.app())) {
            problems.add(task, ".app", "unknown-app",
                    "task '" + task.id() + "' runs app '" + task.app() + "', which is not defined; apps are " + apps.names());
            return null;
        }
        return apps.app(task.app());
    }

    private Map<String, Object> resolveArgs(ExpandedTask task, Set<String> dependencies) {
        Map<String, Object> args = new LinkedHashMap<>();
        task.args().forEach((name, value) -> {
            String path = ".args" + SpecPath.member(name);
            Optional<Reference> reference = value instanceof String text ? parse(text) : Optional.empty();
            if (reference.isPresent()) {
                args.put(name, resultReference(task, path, reference.get(), dependencies));
            } else {
                reportNestedReferences(task, path, value);
                args.put(name, value);
            }
        });
        return args;
    }

    private Object resultReference(ExpandedTask task, String path, Reference reference, Set<String> dependencies) {
        if (!reference.isResult()) {
            problems.add(task, path, "misplaced-reference", "task '" + task.id() + "' passes " + reference
                    + " as an arg; output files are passed in inputs, args take ${task.result}");
            return null;
        }
        List<String> producers = tasksNamed(task, path, reference.taskPattern());
        dependencies.addAll(producers);
        if (reference.isGlob()) {
            return new ResultListRef(producers);
        }
        return new ResultRef(reference.taskPattern());
    }

    /** A reference inside a string, list or map is not resolved, so it is an error rather than a silent literal. */
    private void reportNestedReferences(ExpandedTask task, String path, Object value) {
        if (value instanceof String text) {
            if (Reference.appearsIn(text)) {
                problems.add(task, path, "misplaced-reference", "task '" + task.id() + "' has a reference inside '" + text
                        + "'; a ${task.result} reference must be the whole value of an arg");
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                reportNestedReferences(task, path + "[" + i + "]", list.get(i));
            }
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((key, element) -> reportNestedReferences(task, path + SpecPath.member(String.valueOf(key)), element));
        }
    }

    private List<FileRef> resolveInputs(ExpandedTask task, Set<String> dependencies) {
        List<FileRef> inputs = new ArrayList<>(task.inputs().size());
        for (int i = 0; i < task.inputs().size(); i++) {
            String input = task.inputs().get(i);
            String path = ".inputs[" + i + "]";
            if (input == null || input.isBlank()) {
                problems.add(task, path, "invalid-value", "task '" + task.id() + "' has an empty input");
            } else if (input.contains("${")) {
                inputs.addAll(referencedOutputs(task, path, input, dependencies));
            } else {
                dataAreaInput(task, path, input, dependencies).ifPresent(inputs::add);
            }
        }
        return inputs;
    }

    private List<FileRef> referencedOutputs(ExpandedTask task, String path, String input, Set<String> dependencies) {
        Optional<Reference> parsed = parse(input);
        if (parsed.isEmpty() || parsed.get().isResult()) {
            problems.add(task, path, "invalid-reference", "task '" + task.id() + "' input '" + input
                    + "' is not an output reference; inputs are data-area paths or ${task.outputs[N]} (${task.result} goes in args)");
            return List.of();
        }
        Reference reference = parsed.get();
        List<FileRef> files = new ArrayList<>();
        List<String> lacking = new ArrayList<>();
        for (String producer : tasksNamed(task, path, reference.taskPattern())) {
            List<String> outputs = index.outputsOf(producer);
            if (reference.outputIndex() < outputs.size()) {
                files.add(new TaskOutput(producer, reference.outputIndex(), outputs.get(reference.outputIndex())));
                dependencies.add(producer);
            } else {
                lacking.add(producer);
            }
        }
        if (!lacking.isEmpty()) {
            int declared = index.outputsOf(lacking.get(0)).size();
            String others = lacking.size() > 1 ? " (as do " + (lacking.size() - 1) + " more matching tasks)" : "";
            problems.add(task, path, "output-index-out-of-range", "task '" + task.id() + "' reads " + reference
                    + " but task '" + lacking.get(0) + "' declares " + declared + " output" + (declared == 1 ? "" : "s") + others);
        }
        return files;
    }

    private Optional<FileRef> dataAreaInput(ExpandedTask task, String path, String input, Set<String> dependencies) {
        Optional<String> escape = DataAreaPath.escape(input);
        if (escape.isPresent()) {
            problems.add(task, path, "input-path-escapes-data-area", "task '" + task.id() + "' input '" + input + "' "
                    + escape.get() + "; paths are relative to the workflow's data area");
            return Optional.empty();
        }
        String normalized = DataAreaPath.normalize(input);
        Optional<TaskIndex.OutputOwner> producer = index.ownerOf(normalized).filter(owner -> !owner.taskId().equals(task.id()));
        if (producer.isEmpty()) {
            return Optional.of(new DataFile(normalized));
        }
        // Another task writes this file: read it after that task, as if ${producer.outputs[N]} were written.
        dependencies.add(producer.get().taskId());
        return Optional.of(new TaskOutput(producer.get().taskId(), producer.get().index(), normalized));
    }

    private Optional<Reference> parse(String text) {
        return text.contains("${") ? parsedReferences.computeIfAbsent(text, Reference::parse) : Optional.empty();
    }

    private void resolveAfter(ExpandedTask task, Set<String> dependencies) {
        for (int i = 0; i < task.after().size(); i++) {
            String entry = task.after().get(i);
            String path = ".after[" + i + "]";
            if (entry == null || !AFTER_ENTRY.matcher(entry).matches()) {
                problems.add(task, path, "invalid-value",
                        "task '" + task.id() + "' after entry '" + entry + "' must be a task id or a glob like 'gen-*'");
            } else {
                dependencies.addAll(tasksNamed(task, path, entry));
            }
        }
    }

    /** The tasks an id or glob names; a glob never matches the referring task itself. */
    private List<String> tasksNamed(ExpandedTask task, String path, String pattern) {
        if (!TaskIndex.isGlob(pattern)) {
            if (index.contains(pattern)) {
                return List.of(pattern);
            }
            problems.add(task, path, "unknown-task-reference", "task '" + task.id() + "' refers to task '" + pattern + "', which does not exist");
            return List.of();
        }
        List<String> matches = index.matching(pattern);
        if (matches.contains(task.id())) {
            matches = matches.stream().filter(id -> !id.equals(task.id())).toList();
        }
        if (matches.isEmpty()) {
            problems.add(task, path, "unknown-task-reference", "task '" + task.id() + "' refers to '" + pattern + "', which matches no task");
        }
        return matches;
    }

    private void checkCommand(ExpandedTask task, int inputCount, int outputCount, Map<String, Object> args) {
        apps.commandNeeds(task.app()).ifPresent(needs -> {
            String uses = "app '" + task.app() + "' command uses ";
            if (needs.highestInput() != null && needs.highestInput().index() >= inputCount) {
                problems.add(task, ".inputs", "template-index-out-of-range", uses + needs.highestInput().text()
                        + " but task '" + task.id() + "' has " + inputCount + " input" + (inputCount == 1 ? "" : "s"));
            }
            if (needs.highestOutput() != null && needs.highestOutput().index() >= outputCount) {
                problems.add(task, ".outputs", "template-index-out-of-range", uses + needs.highestOutput().text()
                        + " but task '" + task.id() + "' declares " + outputCount + " output" + (outputCount == 1 ? "" : "s"));
            }
            for (String name : needs.argNames()) {
                if (!args.containsKey(name)) {
                    problems.add(task, ".args", "unknown-template-arg",
                            uses + "{args." + name + "} but task '" + task.id() + "' has no arg '" + name + "'");
                }
            }
        });
    }

    private void checkArgSize(ExpandedTask task, Map<String, Object> args) {
        if (args.isEmpty()) {
            return;
        }
        long bytes = jsonBytes(args);
        if (bytes > limits.maxArgBytes()) {
            problems.add(task, ".args", "args-too-large", "task '" + task.id() + "' args take about " + bytes
                    + " bytes; the limit is " + limits.maxArgBytes() + " (pass large data as input files)");
        }
    }

    /** Roughly the size of a value written as JSON; exact enough for a limit. */
    private static long jsonBytes(Object value) {
        if (value instanceof String text) {
            return text.length() + 2L;
        }
        if (value instanceof Map<?, ?> map) {
            long bytes = 2;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                bytes += String.valueOf(entry.getKey()).length() + 4L + jsonBytes(entry.getValue());
            }
            return bytes;
        }
        if (value instanceof List<?> list) {
            long bytes = 2;
            for (Object element : list) {
                bytes += 1 + jsonBytes(element);
            }
            return bytes;
        }
        if (value instanceof ResultReference) {
            return RESULT_REFERENCE_BYTES;
        }
        return String.valueOf(value).length();
    }
}
