package dev.trellis.protocol.api;

import java.util.List;

/**
 * One task of a workflow: its state, its result or error, and every attempt.
 *
 * @param attempt  the current attempt number (0 before the first dispatch)
 * @param error    why it failed, was cancelled or did not run
 * @param attempts every attempt, with where and how it ran (only when asked for)
 */
public record TaskView(
        String id,
        String app,
        String state,
        int attempt,
        String site,
        Object result,
        String error,
        List<AttemptView> attempts) {
}
