package dev.trellis.engine.plan;

import java.util.regex.Pattern;

/** Builds the JSON paths that locate problems in a submitted spec. */
final class SpecPath {

    static final String TASKS = "$.tasks";
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SpecPath() {
    }

    static String task(int index) {
        return TASKS + "[" + index + "]";
    }

    static String app(String name) {
        return "$.apps" + member(name);
    }

    /** {@code .name}, or {@code ['na-me']} when the name is not a plain identifier. */
    static String member(String name) {
        if (name != null && PLAIN_NAME.matcher(name).matches()) {
            return "." + name;
        }
        return "['" + String.valueOf(name).replace("\\", "\\\\").replace("'", "\\'") + "']";
    }
}
