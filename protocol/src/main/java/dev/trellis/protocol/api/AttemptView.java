package dev.trellis.protocol.api;

/** One attempt of a task: where it ran, in which process, when, and how it ended. */
public record AttemptView(
        int attempt,
        String site,
        String status,
        String blockId,
        String workerId,
        Long pid,
        Integer exitCode,
        String error,
        String stdoutTail,
        String stderrTail,
        Long queuedAtMillis,
        Long startedAtMillis,
        Long finishedAtMillis) {
}
