package dev.trellis.engine.plan;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to another task written in a spec: {@code ${task.result}} or {@code ${task.outputs[N]}},
 * where the task may be a glob such as {@code generate-*}.
 *
 * @param outputIndex the N of {@code outputs[N]}; -1 for a result reference
 */
record Reference(String taskPattern, int outputIndex) {

    private static final Pattern REFERENCE = Pattern.compile(
            "\\$\\{([A-Za-z0-9._*-]+)\\.(?:result|outputs\\[(\\d{1,9})])}");

    /** The reference when the whole text is one. */
    static Optional<Reference> parse(String text) {
        Matcher matcher = REFERENCE.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String index = matcher.group(2);
        return Optional.of(new Reference(matcher.group(1), index == null ? -1 : Integer.parseInt(index)));
    }

    /** True when a reference appears anywhere in the text. */
    static boolean appearsIn(String text) {
        return text.contains("${") && REFERENCE.matcher(text).find();
    }

    boolean isResult() {
        return outputIndex < 0;
    }

    boolean isGlob() {
        return TaskIndex.isGlob(taskPattern);
    }

    @Override
    public String toString() {
        return "${" + taskPattern + (isResult() ? ".result" : ".outputs[" + outputIndex + "]") + "}";
    }
}
