package dev.trellis.scheduler.workflow;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The continuations a workflow's task attempts carry (see {@code TaskMessage#then}): which
 * dependent rides with which upstream attempt, and, once that attempt's success is applied, on
 * which block the dependent already runs. Guarded by the workflow's monitor.
 */
final class SentContinuations {

    private record Sent(String upstream, int upstreamAttempt, String dependent, int attempt) {
    }

    private final Map<String, Sent> byUpstream = new HashMap<>();
    private final Map<String, Sent> byDependent = new HashMap<>();
    /** Dependents whose upstream succeeded, by the block that reported it and now runs them. */
    private final Map<String, String> runningOn = new HashMap<>();

    /** {@code dependent} rides as its attempt {@code attempt} with {@code upstream}'s attempt {@code upstreamAttempt}. */
    void sent(String upstream, int upstreamAttempt, String dependent, int attempt) {
        Sent sent = new Sent(upstream, upstreamAttempt, dependent, attempt);
        byUpstream.put(upstream, sent);
        byDependent.put(dependent, sent);
        runningOn.remove(dependent);
    }

    /** The block reported the upstream attempt's success: from then on it runs the continuation. */
    void upstreamSucceeded(String upstream, int upstreamAttempt, String block) {
        Sent sent = byUpstream.get(upstream);
        if (sent != null && sent.upstreamAttempt() == upstreamAttempt && block != null) {
            byUpstream.remove(upstream);
            runningOn.put(sent.dependent(), block);
        }
    }

    /** The upstream's attempt ended otherwise: its block does not run the continuation. */
    void upstreamFailed(String upstream) {
        Sent sent = byUpstream.remove(upstream);
        if (sent != null) {
            runningOn.remove(sent.dependent());
        }
    }

    /**
     * The block that already runs {@code dependent} as {@code attempt}, now that it is ready: its
     * upstream succeeded with the continuation aboard. Empty when the dependent must be sent itself.
     */
    Optional<String> takeRunning(String dependent, int attempt) {
        Sent sent = byDependent.remove(dependent);
        String block = runningOn.remove(dependent);
        if (sent != null) {
            byUpstream.remove(sent.upstream(), sent);
        }
        return sent != null && sent.attempt() == attempt ? Optional.ofNullable(block) : Optional.empty();
    }

    /**
     * The dependent ended (cancelled, or its upstream failed) while it rode with an upstream attempt:
     * the attempt a block must not run after all, if any.
     */
    Optional<Integer> dependentEnded(String dependent) {
        Sent sent = byDependent.remove(dependent);
        runningOn.remove(dependent);
        if (sent == null) {
            return Optional.empty();
        }
        byUpstream.remove(sent.upstream(), sent);
        return Optional.of(sent.attempt());
    }
}
