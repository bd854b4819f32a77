package dev.trellis.engine.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers every problem in a spec. A mistake in a template repeats in each task generated from it,
 * so those repeats fold into the first one with a count instead of burying the other problems.
 */
final class ProblemCollector {

    static final int MAX_PROBLEMS = 1000;

    private final Map<List<String>, Collected> problems = new LinkedHashMap<>();
    private int notListed;

    void add(String path, String code, String message) {
        collect(List.of(path, code, message), path, code, message);
    }

    /** A problem in one task: folded with the same problem of its siblings when the task was generated. */
    void add(ExpandedTask task, String pathInTask, String code, String message) {
        String path = task.path() + pathInTask;
        List<String> key = task.generated() ? List.of(path, code) : List.of(path, code, message);
        collect(key, path, code, message);
    }

    private void collect(List<String> key, String path, String code, String message) {
        Collected earlier = problems.get(key);
        if (earlier != null) {
            earlier.repeats++;
        } else if (problems.size() < MAX_PROBLEMS) {
            problems.put(key, new Collected(new SpecProblem(path, code, message)));
        } else {
            notListed++;
        }
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    List<SpecProblem> problems() {
        List<SpecProblem> list = new ArrayList<>(problems.size() + 1);
        for (Collected collected : problems.values()) {
            list.add(collected.toProblem());
        }
        if (notListed > 0) {
            list.add(new SpecProblem("$", "too-many-problems", notListed + " more problems are not listed; fix these first"));
        }
        return list;
    }

    void throwIfAny() {
        if (!isEmpty()) {
            throw new InvalidWorkflowException(problems());
        }
    }

    private static final class Collected {
        private final SpecProblem first;
        private int repeats;

        Collected(SpecProblem first) {
            this.first = first;
        }

        SpecProblem toProblem() {
            if (repeats == 0) {
                return first;
            }
            String more = " (and the same in " + repeats + " more task" + (repeats == 1 ? "" : "s") + " from this template)";
            return new SpecProblem(first.path(), first.code(), first.message() + more);
        }
    }
}
