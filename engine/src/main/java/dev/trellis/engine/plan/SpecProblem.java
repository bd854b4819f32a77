package dev.trellis.engine.plan;

/**
 * One thing wrong with a submitted workflow spec.
 *
 * @param path    JSON path into the spec as submitted, e.g. {@code $.tasks[2].inputs[0]}
 * @param code    stable kebab-case kind of problem, e.g. {@code unknown-task-reference}
 * @param message what is wrong, naming the tasks and values involved
 */
public record SpecProblem(String path, String code, String message) {
}
