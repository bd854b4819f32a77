package dev.trellis.worker.block;

import dev.trellis.protocol.message.CancelMessage;
import dev.trellis.protocol.message.TaskMessage;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The cancellations a block heard recently, so an attempt cancelled while it still waited in its
 * site's topic is skipped when it arrives. Bounded both ways: the newest {@code capacity} and at
 * most {@code retention} old, since a cancelled attempt queued longer than that is unlikely and
 * the memory must not grow with the block's uptime.
 */
final class CancelledAttempts {

    static final int DEFAULT_CAPACITY = 10_000;
    static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

    private final int capacity;
    private final Duration retention;
    /** Oldest first; a repeated cancellation moves to the end. */
    private final LinkedHashMap<Scope, Heard> heard = new LinkedHashMap<>();

    CancelledAttempts() {
        this(DEFAULT_CAPACITY, DEFAULT_RETENTION);
    }

    CancelledAttempts(int capacity, Duration retention) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.retention = retention;
    }

    synchronized void remember(CancelMessage cancel, Instant now) {
        Scope scope = new Scope(cancel.workflowId(), cancel.taskId(), cancel.attempt());
        heard.remove(scope);
        heard.put(scope, new Heard(cancel.reason(), now));
        forgetOld(now);
        if (heard.size() > capacity) {
            Iterator<Scope> oldest = heard.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** Why the attempt was cancelled: for it, for any attempt of its task, or for its whole workflow. */
    synchronized Optional<String> reasonFor(TaskMessage task, Instant now) {
        forgetOld(now);
        for (Scope scope : new Scope[] {
                new Scope(task.workflowId(), task.taskId(), task.attempt()),
                new Scope(task.workflowId(), task.taskId(), CancelMessage.ANY_ATTEMPT),
                new Scope(task.workflowId(), null, CancelMessage.ANY_ATTEMPT)}) {
            Heard cancellation = heard.get(scope);
            if (cancellation != null) {
                return Optional.of(cancellation.reason());
            }
        }
        return Optional.empty();
    }

    synchronized int size() {
        return heard.size();
    }

    private void forgetOld(Instant now) {
        Instant horizon = now.minus(retention);
        Iterator<Map.Entry<Scope, Heard>> oldestFirst = heard.entrySet().iterator();
        while (oldestFirst.hasNext() && oldestFirst.next().getValue().at().isBefore(horizon)) {
            oldestFirst.remove();
        }
    }

    /** What a cancellation covers: taskId null = the whole workflow, attempt 0 = any attempt. */
    private record Scope(String workflowId, String taskId, int attempt) {
    }

    private record Heard(String reason, Instant at) {
    }
}
