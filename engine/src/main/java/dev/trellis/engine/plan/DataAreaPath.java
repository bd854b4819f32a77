package dev.trellis.engine.plan;

import java.util.Optional;
import java.util.StringJoiner;

/**
 * Paths of input and output files, relative to the workflow's data area. Workers resolve them
 * against their own mount of shared storage, so a path must never reach outside it.
 */
final class DataAreaPath {

    private DataAreaPath() {
    }

    /** Why the path would leave the data area, or empty when it stays inside. */
    static Optional<String> escape(String path) {
        if (path.startsWith("/")) {
            return Optional.of("is absolute");
        }
        if (path.startsWith("~")) {
            return Optional.of("starts with ~ (a home directory)");
        }
        if (path.contains("..")) {
            for (String segment : path.split("/")) {
                if (segment.equals("..")) {
                    return Optional.of("climbs out with '..'");
                }
            }
        }
        if (path.indexOf('\0') >= 0) {
            return Optional.of("contains a NUL character");
        }
        return Optional.empty();
    }

    /** True when the path names no file: blank, or only "." and slashes. */
    static boolean namesNoFile(String path) {
        return path.isBlank() || normalize(path).isEmpty();
    }

    /** Drops "." and empty segments, so "a/./b" and "a//b" are the same file as "a/b". */
    static String normalize(String path) {
        if (isNormal(path)) {
            return path;
        }
        StringJoiner normalized = new StringJoiner("/");
        for (String segment : path.split("/")) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                normalized.add(segment);
            }
        }
        return normalized.toString();
    }

    /** Most paths are already normal; checking is cheaper than splitting and joining. */
    private static boolean isNormal(String path) {
        return !path.isEmpty() && !path.equals(".") && !path.startsWith("/") && !path.endsWith("/")
                && !path.startsWith("./") && !path.endsWith("/.") && !path.contains("//") && !path.contains("/./");
    }
}
