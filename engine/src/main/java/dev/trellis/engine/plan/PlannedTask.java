package dev.trellis.engine.plan;

import dev.trellis.protocol.spec.AppSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One task of a validated workflow, templates expanded and references resolved.
 *
 * @param args            arg values as submitted, except that result references are {@link ResultReference}s
 * @param inputs          input files in order, globbed references expanded to one file per matching task
 * @param outputs         output paths, normalized, relative to the workflow's data area
 * @param dependencies    tasks that must succeed first: every referenced task plus {@code after}
 * @param candidateSites  sites the task may run on; empty means any site
 * @param maxAttempts     1 + retries
 * @param walltimeSeconds the app's limit per attempt, or null for none
 */
public record PlannedTask(
        String id,
        String appName,
        AppSpec app,
        Map<String, Object> args,
        List<FileRef> inputs,
        List<String> outputs,
        Set<String> dependencies,
        List<String> candidateSites,
        int maxAttempts,
        Integer walltimeSeconds) {

    public PlannedTask {
        // Ordered copies that tolerate null arg values (JSON has nulls); the common empty and
        // single-element cases take the compact immutable forms, which matters at 100,000 tasks.
        args = args.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(args));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        dependencies = switch (dependencies.size()) {
            case 0 -> Set.of();
            case 1 -> Set.of(dependencies.iterator().next());
            default -> Collections.unmodifiableSet(new LinkedHashSet<>(dependencies));
        };
        candidateSites = List.copyOf(candidateSites);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("task '" + id + "' needs at least one attempt, not " + maxAttempts);
        }
    }
}
