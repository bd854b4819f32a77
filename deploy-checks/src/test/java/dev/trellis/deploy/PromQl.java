package dev.trellis.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The series selectors of a PromQL expression: which metrics it reads and which labels its
 * matchers name. A small scanner rather than a parser: it skips strings, range and offset
 * durations, function calls and the label lists of by / without / on / ignoring / group_left /
 * group_right, and takes every other name as a metric.
 */
final class PromQl {

    /** A metric read by an expression and the labels its matchers name ({@code x{site=~"a"}}: x, [site]). */
    record Selector(String metric, Set<String> labels) {
    }

    /** Operators, modifiers and aggregations: an aggregation may stand before its by (...) clause, apart from its (...). */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "atan2", "inf", "nan", "start", "end",
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio");
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    private final String text;
    private int at;

    private PromQl(String text) {
        this.text = text;
    }

    static List<Selector> selectors(String expression) {
        return new PromQl(expression).scan();
    }

    private List<Selector> scan() {
        List<Selector> selectors = new ArrayList<>();
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString(c);
            } else if (c == '[') {
                skipPast(']');
            } else if (Character.isDigit(c) || c == '.') {
                while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '.')) {
                    at++;
                }
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                String name = name();
                int next = nextNonSpace();
                if (LABEL_LIST_KEYWORDS.contains(name) && next < text.length() && text.charAt(next) == '(') {
                    at = next;
                    skipPast(')');
                } else if (KEYWORDS.contains(name) || (next < text.length() && text.charAt(next) == '(')) {
                    // A keyword, or a function or aggregation called with (...).
                } else if (next < text.length() && text.charAt(next) == '{') {
                    at = next + 1;
                    selectors.add(new Selector(name, matcherLabels()));
                } else {
                    selectors.add(new Selector(name, Set.of()));
                }
            } else {
                at++;
            }
        }
        return selectors;
    }

    private String name() {
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_' || text.charAt(at) == ':')) {
            at++;
        }
        return text.substring(start, at);
    }

    /** Inside {...}: the label name of each matcher, up to the closing brace. */
    private Set<String> matcherLabels() {
        Set<String> labels = new LinkedHashSet<>();
        while (at < text.length() && text.charAt(at) != '}') {
            char c = text.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString(c);
            } else if (Character.isLetter(c) || c == '_') {
                labels.add(name());
            } else {
                at++;
            }
        }
        at++;
        return labels;
    }

    private void skipString(char quote) {
        at++;
        while (at < text.length() && text.charAt(at) != quote) {
            at += text.charAt(at) == '\\' ? 2 : 1;
        }
        at++;
    }

    private void skipPast(char closing) {
        while (at < text.length() && text.charAt(at) != closing) {
            at++;
        }
        at++;
    }

    private int nextNonSpace() {
        int next = at;
        while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
            next++;
        }
        return next;
    }
}
