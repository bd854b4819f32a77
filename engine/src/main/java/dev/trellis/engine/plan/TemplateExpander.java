package dev.trellis.engine.plan;

import dev.trellis.protocol.spec.TaskSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a task spec into tasks: one for a plain spec, one per {@code {i}} for {@code count}, one per
 * combination of values for {@code foreach}. Variables are substituted in the id, args (deep), inputs,
 * outputs and after; an arg that is exactly {@code {var}} takes the value itself, so {@code x: "{i}"}
 * is the number i, as in Parsl's {@code slow_double(i)}.
 */
final class TemplateExpander {

    static final String COUNT_VARIABLE = "i";
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private TemplateExpander() {
    }

    /** How many tasks the spec generates, saturating rather than overflowing, so limits can be checked first. */
    static long sizeOf(TaskSpec spec) {
        if (spec == null) {
            return 0;
        }
        if (spec.count() != null) {
            return Math.max(0, spec.count());
        }
        if (spec.foreach() == null) {
            return 1;
        }
        long size = 1;
        for (List<Object> values : spec.foreach().values()) {
            int count = values == null ? 0 : values.size();
            size = count == 0 ? 0 : (size > Long.MAX_VALUE / count ? Long.MAX_VALUE : size * count);
        }
        return size;
    }

    static List<ExpandedTask> expand(TaskSpec spec, int specIndex, ProblemCollector problems) {
        String path = SpecPath.task(specIndex);
        if (spec == null) {
            problems.add(path, "missing-field", "a task must not be null");
            return List.of();
        }
        if (spec.id() == null || spec.id().isBlank()) {
            problems.add(path + ".id", "missing-field", "every task needs an id");
            return List.of();
        }
        if (spec.count() == null && spec.foreach() == null) {
            return List.of(new ExpandedTask(specIndex, false, spec.id(), spec.app(), spec.args(), spec.inputs(), spec.outputs(), spec.after()));
        }
        if (spec.count() != null && spec.foreach() != null) {
            problems.add(path, "invalid-value", "task '" + spec.id() + "' sets both count and foreach; use one");
            return List.of();
        }
        List<Map<String, Object>> bindings = spec.count() != null
                ? countBindings(spec, path, problems)
                : foreachBindings(spec, path, problems);
        if (bindings.isEmpty()) {
            return List.of();
        }
        if (!idHasEveryVariable(spec, bindings.get(0), path, bindings.size(), problems)) {
            // The ids would collide; one task keeps references to the template resolvable.
            bindings = bindings.subList(0, 1);
        }
        List<ExpandedTask> tasks = new ArrayList<>(bindings.size());
        for (Map<String, Object> binding : bindings) {
            tasks.add(instantiate(spec, specIndex, binding));
        }
        return tasks;
    }

    private static List<Map<String, Object>> countBindings(TaskSpec spec, String path, ProblemCollector problems) {
        if (spec.count() < 0) {
            problems.add(path + ".count", "invalid-value", "count must be 0 or more, not " + spec.count());
            return List.of();
        }
        String placeholder = placeholder(COUNT_VARIABLE);
        List<Map<String, Object>> bindings = new ArrayList<>(spec.count());
        for (int i = 0; i < spec.count(); i++) {
            bindings.add(Map.of(placeholder, i));
        }
        return bindings;
    }

    /** Every combination of the variables' values, the first variable varying slowest. */
    private static List<Map<String, Object>> foreachBindings(TaskSpec spec, String path, ProblemCollector problems) {
        Map<String, List<Object>> foreach = spec.foreach();
        if (foreach.isEmpty()) {
            problems.add(path + ".foreach", "invalid-value", "foreach needs at least one variable");
            return List.of();
        }
        boolean valid = true;
        for (Map.Entry<String, List<Object>> variable : foreach.entrySet()) {
            String variablePath = path + ".foreach" + SpecPath.member(variable.getKey());
            if (variable.getKey() == null || !VARIABLE_NAME.matcher(variable.getKey()).matches()) {
                problems.add(variablePath, "invalid-value",
                        "foreach variable '" + variable.getKey() + "' must be a name of letters, digits and '_'");
                valid = false;
            }
            if (variable.getValue() == null) {
                problems.add(variablePath, "missing-field", "foreach variable '" + variable.getKey() + "' needs a list of values");
                valid = false;
            }
        }
        if (!valid) {
            return List.of();
        }
        List<Map<String, Object>> bindings = List.of(Map.of());
        for (Map.Entry<String, List<Object>> variable : foreach.entrySet()) {
            String placeholder = placeholder(variable.getKey());
            List<Map<String, Object>> extended = new ArrayList<>(bindings.size() * variable.getValue().size());
            for (Map<String, Object> binding : bindings) {
                for (Object value : variable.getValue()) {
                    Map<String, Object> next = new LinkedHashMap<>(binding);
                    next.put(placeholder, value);
                    extended.add(next);
                }
            }
            bindings = extended;
        }
        return bindings;
    }

    private static boolean idHasEveryVariable(TaskSpec spec, Map<String, Object> binding, String path, int size, ProblemCollector problems) {
        boolean hasEvery = true;
        for (String placeholder : binding.keySet()) {
            if (!spec.id().contains(placeholder)) {
                problems.add(path + ".id", "template-id-without-variable",
                        "template id '" + spec.id() + "' must contain " + placeholder
                                + ", otherwise its " + size + " tasks share one id");
                hasEvery = false;
            }
        }
        return hasEvery;
    }

    private static ExpandedTask instantiate(TaskSpec spec, int specIndex, Map<String, Object> binding) {
        Map<String, Object> args = new LinkedHashMap<>();
        spec.args().forEach((name, value) -> args.put(name, substituteValue(value, binding)));
        return new ExpandedTask(specIndex, true,
                substitute(spec.id(), binding),
                spec.app(),
                args,
                substituteAll(spec.inputs(), binding),
                substituteAll(spec.outputs(), binding),
                substituteAll(spec.after(), binding));
    }

    private static Object substituteValue(Object value, Map<String, Object> binding) {
        if (value instanceof String text) {
            return binding.containsKey(text) ? binding.get(text) : substitute(text, binding);
        }
        if (value instanceof List<?> list) {
            List<Object> substituted = new ArrayList<>(list.size());
            for (Object element : list) {
                substituted.add(substituteValue(element, binding));
            }
            return substituted;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> substituted = new LinkedHashMap<>();
            map.forEach((key, element) -> substituted.put(key, substituteValue(element, binding)));
            return substituted;
        }
        return value;
    }

    private static List<String> substituteAll(List<String> texts, Map<String, Object> binding) {
        List<String> substituted = new ArrayList<>(texts.size());
        for (String text : texts) {
            substituted.add(substitute(text, binding));
        }
        return substituted;
    }

    private static String substitute(String text, Map<String, Object> binding) {
        if (text == null || text.indexOf('{') < 0) {
            return text;
        }
        String substituted = text;
        for (Map.Entry<String, Object> variable : binding.entrySet()) {
            substituted = substituted.replace(variable.getKey(), String.valueOf(variable.getValue()));
        }
        return substituted;
    }

    private static String placeholder(String variable) {
        return "{" + variable + "}";
    }
}
