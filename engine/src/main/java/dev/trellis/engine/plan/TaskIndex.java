package dev.trellis.engine.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every task id of a workflow with its declared outputs, and which task writes each output path.
 * Globs are answered from ids sorted once, narrowed by the glob's literal prefix, so a fan-in over
 * {@code gen-*} costs the matching ids, not a scan per reference.
 */
final class TaskIndex {

    private final Map<String, Entry> tasks;
    private final Map<String, OutputOwner> outputOwners;
    private final Map<String, List<String>> globMatches = new HashMap<>();
    private String[] sortedIds;

    /** The task that declares an output path, and at which index. */
    record OutputOwner(String taskId, int index) {
    }

    private record Entry(int order, List<String> outputs) {
    }

    TaskIndex(int expectedTasks) {
        tasks = new HashMap<>(expectedTasks * 2);
        outputOwners = new HashMap<>(expectedTasks * 2);
    }

    static boolean isGlob(String pattern) {
        return pattern.indexOf('*') >= 0;
    }

    /** Adds a task; returns false when the id is taken, leaving the first task with it. */
    boolean add(String taskId, List<String> outputs) {
        if (sortedIds != null) {
            throw new IllegalStateException("tasks cannot be added after globs have been matched");
        }
        return tasks.putIfAbsent(taskId, new Entry(tasks.size(), outputs)) == null;
    }

    /** Claims an output path for a task; returns the earlier owner when another task declared it first. */
    Optional<OutputOwner> claimOutput(String path, String taskId, int index) {
        return Optional.ofNullable(outputOwners.putIfAbsent(path, new OutputOwner(taskId, index)));
    }

    Optional<OutputOwner> ownerOf(String path) {
        return Optional.ofNullable(outputOwners.get(path));
    }

    boolean contains(String taskId) {
        return tasks.containsKey(taskId);
    }

    List<String> outputsOf(String taskId) {
        return tasks.get(taskId).outputs();
    }

    /** Ids matching a glob ({@code *} = any characters) in the order tasks were declared. */
    List<String> matching(String glob) {
        return globMatches.computeIfAbsent(glob, this::match);
    }

    private List<String> match(String glob) {
        if (sortedIds == null) {
            sortedIds = tasks.keySet().toArray(String[]::new);
            Arrays.sort(sortedIds);
        }
        String prefix = glob.substring(0, glob.indexOf('*'));
        boolean prefixOnly = glob.length() == prefix.length() + 1;
        Pattern pattern = prefixOnly ? null : compile(glob);
        List<String> matches = new ArrayList<>();
        int position = Arrays.binarySearch(sortedIds, prefix);
        for (int i = position >= 0 ? position : -position - 1; i < sortedIds.length && sortedIds[i].startsWith(prefix); i++) {
            if (prefixOnly || pattern.matcher(sortedIds[i]).matches()) {
                matches.add(sortedIds[i]);
            }
        }
        matches.sort(Comparator.comparingInt(id -> tasks.get(id).order()));
        return List.copyOf(matches);
    }

    private static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String literal : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(literal));
        }
        return Pattern.compile(regex.toString());
    }
}
