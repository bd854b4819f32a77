package dev.trellis.engine.memo;

import dev.trellis.engine.plan.PlannedTask;
import dev.trellis.protocol.spec.AppSpec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The memo key of a task: a SHA-256 over the app's name, a digest of its body (command template,
 * Python source, or Java function name and version), the task's args in canonical form (map keys
 * sorted, numbers normalised; args in the app's ignore list left out), its output paths, the
 * SHA-256 of each input file's contents, and the app's cache version. Two invocations get the same
 * key exactly when they would compute the same thing from the same data.
 */
public final class CacheKey {

    private CacheKey() {
    }

    /**
     * @param args         the task's args with references already resolved to values
     * @param inputDigests SHA-256 of each input file's contents, in the task's input order
     */
    public static String of(PlannedTask task, Map<String, Object> args, List<String> inputDigests) {
        AppSpec app = task.app();
        Map<String, Object> keyed = new TreeMap<>(args);
        app.cacheIgnore().forEach(keyed::remove);
        StringBuilder text = new StringBuilder(256)
                .append("app=").append(task.appName()).append('\n')
                .append("body=").append(bodyDigest(app)).append('\n')
                .append("args=");
        appendCanonical(keyed, text);
        text.append('\n').append("outputs=");
        appendCanonical(task.outputs(), text);
        text.append('\n').append("inputs=");
        appendCanonical(inputDigests, text);
        text.append('\n').append("cacheVersion=").append(app.cacheVersion() == null ? "" : app.cacheVersion());
        return sha256(text.toString());
    }

    /** What the app runs; changing any of it changes every key of the app. */
    static String bodyDigest(AppSpec app) {
        String body = switch (app.type()) {
            case BASH -> "bash\n" + app.command();
            case PYTHON -> "python\n" + app.function() + "\n" + app.source();
            case JAVA -> "java\n" + app.function() + "@" + (app.version() == null ? "1" : app.version());
        };
        return sha256(body);
    }

    /** JSON with sorted map keys and one spelling per number, so equal values give equal text. */
    static void appendCanonical(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> entry : sorted(map).entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendString(entry.getKey(), out);
                out.append(':');
                appendCanonical(entry.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                appendCanonical(list.get(i), out);
            }
            out.append(']');
        } else if (value instanceof Number number) {
            out.append(canonicalNumber(number));
        } else if (value instanceof Boolean bool) {
            out.append(bool);
        } else {
            appendString(value.toString(), out);
        }
    }

    private static Map<String, Object> sorted(Map<?, ?> map) {
        Map<String, Object> sorted = new TreeMap<>();
        map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
        return sorted;
    }

    /** 2, 2L, 2.0 and BigDecimal("2.00") are the same number to a user; they get one spelling. */
    private static String canonicalNumber(Number number) {
        BigDecimal decimal;
        if (number instanceof BigDecimal d) {
            decimal = d;
        } else if (number instanceof BigInteger i) {
            decimal = new BigDecimal(i);
        } else if (number instanceof Double || number instanceof Float) {
            decimal = new BigDecimal(number.toString());
        } else {
            decimal = BigDecimal.valueOf(number.longValue());
        }
        BigDecimal stripped = decimal.stripTrailingZeros();
        return stripped.scale() <= 0 ? stripped.toBigInteger().toString() : stripped.toPlainString();
    }

    private static void appendString(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
