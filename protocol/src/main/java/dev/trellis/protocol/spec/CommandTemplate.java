package dev.trellis.protocol.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bash app's command, Parsl style: {@code cat {inputs} > {outputs[0]}}.
 *
 * <p>Placeholders are {@code {inputs[N]}}, {@code {outputs[N]}}, {@code {inputs}} and {@code {outputs}}
 * (every file, space-separated) and {@code {args.NAME}}. Any other brace text is bash's and passes
 * through untouched: {@code ${HOME}}, {@code $(( RANDOM ))}, {@code {a,b}}, {@code awk '{print $1}'}.
 * A placeholder written right after {@code $} is also left alone, because {@code ${inputs[0]}} is
 * bash's own array syntax.
 *
 * <p>Rendered values are single-quoted when they hold anything but {@code [A-Za-z0-9_./=:,@+%-]}, so
 * a file name or argument with spaces or shell syntax stays one word and is never executed.
 */
public final class CommandTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile(
            "\\{(?:(inputs|outputs)(?:\\[(\\d+)])?|args\\.([A-Za-z0-9_-]+))}");
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./=:,@+%-]+");

    private final String text;
    /** Literal text and placeholders in order; a String is literal text. */
    private final List<Object> parts;
    private final List<Placeholder> placeholders;

    private CommandTemplate(String text, List<Object> parts, List<Placeholder> placeholders) {
        this.text = text;
        this.parts = parts;
        this.placeholders = placeholders;
    }

    /** Parses a command; never fails, since text that is not a placeholder is bash's. */
    public static CommandTemplate parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a command template must not be null");
        }
        List<Object> parts = new ArrayList<>();
        List<Placeholder> placeholders = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        int literalStart = 0;
        while (matcher.find()) {
            if (matcher.start() > 0 && text.charAt(matcher.start() - 1) == '$') {
                continue;
            }
            if (matcher.start() > literalStart) {
                parts.add(text.substring(literalStart, matcher.start()));
            }
            Placeholder placeholder = placeholderOf(matcher);
            parts.add(placeholder);
            placeholders.add(placeholder);
            literalStart = matcher.end();
        }
        if (literalStart < text.length()) {
            parts.add(text.substring(literalStart));
        }
        return new CommandTemplate(text, List.copyOf(parts), List.copyOf(placeholders));
    }

    private static Placeholder placeholderOf(Matcher matcher) {
        if (matcher.group(3) != null) {
            return new Placeholder.Arg(matcher.group(3));
        }
        boolean inputs = matcher.group(1).equals("inputs");
        String index = matcher.group(2);
        if (index == null) {
            return inputs ? new Placeholder.AllInputs() : new Placeholder.AllOutputs();
        }
        // An absurd index stays out of range instead of overflowing, so validation reports it.
        int position = index.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(index);
        return inputs ? new Placeholder.Input(position) : new Placeholder.Output(position);
    }

    public String text() {
        return text;
    }

    /** Every placeholder in order of appearance, repeats included. */
    public List<Placeholder> placeholders() {
        return placeholders;
    }

    /**
     * The command with every placeholder replaced by its shell-quoted value.
     *
     * @throws IllegalArgumentException when a placeholder names an input, output or arg that is not given
     */
    public String render(List<String> inputs, List<String> outputs, Map<String, Object> args) {
        StringBuilder command = new StringBuilder(text.length() + 64);
        for (Object part : parts) {
            if (part instanceof Placeholder placeholder) {
                command.append(valueOf(placeholder, inputs, outputs, args));
            } else {
                command.append((String) part);
            }
        }
        return command.toString();
    }

    private static String valueOf(Placeholder placeholder, List<String> inputs, List<String> outputs, Map<String, Object> args) {
        if (placeholder instanceof Placeholder.Input input) {
            return quote(fileAt(inputs, input.index(), placeholder, "inputs"));
        }
        if (placeholder instanceof Placeholder.Output output) {
            return quote(fileAt(outputs, output.index(), placeholder, "outputs"));
        }
        if (placeholder instanceof Placeholder.AllInputs) {
            return quoteEach(inputs);
        }
        if (placeholder instanceof Placeholder.AllOutputs) {
            return quoteEach(outputs);
        }
        String name = ((Placeholder.Arg) placeholder).name();
        if (!args.containsKey(name)) {
            throw new IllegalArgumentException(placeholder.text() + " names an arg the task does not have");
        }
        Object value = args.get(name);
        // A list arg becomes several words, as {inputs} does; anything else is one word.
        return value instanceof Collection<?> values ? quoteEach(values) : quote(value == null ? "" : String.valueOf(value));
    }

    private static String fileAt(List<String> files, int index, Placeholder placeholder, String what) {
        if (index >= files.size()) {
            throw new IllegalArgumentException(placeholder.text() + " but the task has " + files.size() + " " + what);
        }
        return files.get(index);
    }

    private static String quoteEach(Collection<?> values) {
        List<String> words = new ArrayList<>(values.size());
        for (Object value : values) {
            words.add(quote(value == null ? "" : String.valueOf(value)));
        }
        return String.join(" ", words);
    }

    /** Single-quotes a value for bash unless it is made only of characters bash never interprets. */
    public static String quote(String value) {
        if (SHELL_SAFE.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    @Override
    public String toString() {
        return text;
    }

    /** One substitution point in a command template. */
    public sealed interface Placeholder {

        /** The placeholder as written in the template, for messages. */
        String text();

        /** {@code {inputs[N]}}: the Nth input file. */
        record Input(int index) implements Placeholder {
            @Override
            public String text() {
                return "{inputs[" + index + "]}";
            }
        }

        /** {@code {outputs[N]}}: the Nth output file. */
        record Output(int index) implements Placeholder {
            @Override
            public String text() {
                return "{outputs[" + index + "]}";
            }
        }

        /** {@code {inputs}}: every input file, space-separated. */
        record AllInputs() implements Placeholder {
            @Override
            public String text() {
                return "{inputs}";
            }
        }

        /** {@code {outputs}}: every output file, space-separated. */
        record AllOutputs() implements Placeholder {
            @Override
            public String text() {
                return "{outputs}";
            }
        }

        /** {@code {args.NAME}}: the task's argument NAME. */
        record Arg(String name) implements Placeholder {
            @Override
            public String text() {
                return "{args." + name + "}";
            }
        }
    }
}
