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

    /** @param runningOn the block that reported the upstream's success and now runs the dependent; null before */
    private record Sent(String upstream, int upstreamAttempt, String dependent, int attempt, String runningOn) {

        Sent runningOn(String block) {
            return new Sent(upstream, upstreamAttempt, dependent, attempt, block);
        }
    }

    /** Rides whose upstream attempt has not yet been reported successful. */
    private final Map<String, Sent> byUpstream = new HashMap<>();
    private final Map<String, Sent> byDependent = new HashMap<>();

    /** {@code dependent} rides as its attempt {@code attempt} with {@code upstream}'s attempt {@code upstreamAttempt}. */
    void sent(String upstream, int upstreamAttempt, String dependent, int attempt) {
        Sent sent = new Sent(upstream, upstreamAttempt, dependent, attempt, null);
        byUpstream.put(upstream, sent);
        byDependent.put(dependent, sent);
    }

    /** The block reported the upstream attempt's success: from then on it runs the continuation. */
    void upstreamSucceeded(String upstream, int upstreamAttempt, String block) {
        Sent sent = byUpstream.get(upstream);
        if (sent != null && sent.upstreamAttempt() == upstreamAttempt && block != null) {
            byUpstream.remove(upstream);
            byDependent.put(sent.dependent(), sent.runningOn(block));
        }
    }

    /** The upstream's attempt ended otherwise: its block does not run the continuation. */
    void upstreamFailed(String upstream) {
        byUpstream.remove(upstream);
    }

    /**
     * The block that already runs {@code dependent} as {@code attempt}, now that it is ready: its
     * upstream succeeded with the continuation aboard. Empty when the dependent must be sent itself.
     */
    Optional<String> takeRunning(String dependent, int attempt) {
        Sent sent = byDependent.remove(dependent);
        if (sent == null) {
            return Optional.empty();
        }
        byUpstream.remove(sent.upstream(), sent);
        return sent.attempt() == attempt ? Optional.ofNullable(sent.runningOn()) : Optional.empty();
    }

    /**
     * The dependent ended (cancelled, or its upstream failed) while it rode with an upstream attempt:
     * the attempt a block must not run after all, if any.
     */
    Optional<Integer> dependentEnded(String dependent) {
        Sent sent = byDependent.remove(dependent);
        if (sent == null) {
            return Optional.empty();
        }
        byUpstream.remove(sent.upstream(), sent);
        return Optional.of(sent.attempt());
    }
}
