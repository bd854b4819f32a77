package dev.trellis.engine.plan;

import java.util.List;
import java.util.stream.Collectors;

/** A workflow spec that cannot be planned; carries every problem found, not just the first. */
public class InvalidWorkflowException extends RuntimeException {

    private static final int PROBLEMS_IN_MESSAGE = 5;

    private final transient List<SpecProblem> problems;

    public InvalidWorkflowException(List<SpecProblem> problems) {
        super(summary(problems));
        this.problems = List.copyOf(problems);
    }

    public List<SpecProblem> problems() {
        return problems;
    }

    private static String summary(List<SpecProblem> problems) {
        String listed = problems.stream()
                .limit(PROBLEMS_IN_MESSAGE)
                .map(problem -> problem.path() + ": " + problem.message())
                .collect(Collectors.joining("; "));
        String more = problems.size() > PROBLEMS_IN_MESSAGE ? "; ..." : "";
        return "invalid workflow (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "): " + listed + more;
    }
}
