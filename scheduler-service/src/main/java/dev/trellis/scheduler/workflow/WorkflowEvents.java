package dev.trellis.scheduler.workflow;

import dev.trellis.engine.run.Step;
import dev.trellis.engine.run.WorkflowStatus;
import dev.trellis.protocol.api.WorkflowView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Server-sent events for clients following a workflow: a snapshot first, then every task state
 * change, then the final status. Sends happen on one thread of their own, in order, so a slow
 * client never holds up the scheduler.
 */
@Component
class WorkflowEvents implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkflowEvents.class);
    private static final long NO_TIMEOUT = 0L;

    private final Map<UUID, List<SseEmitter>> followers = new ConcurrentHashMap<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> new Thread(r, "trellis-sse"));

    /** One task state change as a client sees it. */
    record TaskEvent(String task, String from, String to, String reason) {
    }

    /** The workflow's final status. */
    record WorkflowEvent(String id, String status) {
    }

    SseEmitter follow(UUID id, WorkflowView snapshot) {
        SseEmitter emitter = new SseEmitter(NO_TIMEOUT);
        boolean running = "RUNNING".equals(snapshot.status());
        // Queued before the emitter follows: the one sender thread then sends no task change ahead of the snapshot.
        sender.execute(() -> {
            send(id, emitter, SseEmitter.event().name("snapshot").data(snapshot));
            if (!running) {
                send(id, emitter, SseEmitter.event().name("workflow").data(new WorkflowEvent(snapshot.id(), snapshot.status())));
                emitter.complete();
            }
        });
        if (running) {
            followers.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(emitter);
            Runnable forget = () -> unfollow(id, emitter);
            emitter.onCompletion(forget);
            emitter.onTimeout(forget);
            emitter.onError(e -> forget.run());
        }
        return emitter;
    }

    /** Called after the step's rows were written, so what clients see is already durable. */
    void published(UUID id, List<Step.StateChange> changes, WorkflowStatus finishedAs) {
        List<SseEmitter> emitters = followers.get(id);
        if (emitters == null || emitters.isEmpty()) {
            return;
        }
        List<TaskEvent> events = changes.stream()
                .map(c -> new TaskEvent(c.taskId(), c.from().name(), c.to().name(), c.reason())).toList();
        sender.execute(() -> {
            for (SseEmitter emitter : emitters) {
                for (TaskEvent event : events) {
                    send(id, emitter, SseEmitter.event().name("task").data(event));
                }
                if (finishedAs != null) {
                    send(id, emitter, SseEmitter.event().name("workflow").data(new WorkflowEvent(id.toString(), finishedAs.name())));
                    emitter.complete();
                }
            }
            if (finishedAs != null) {
                followers.remove(id);
            }
        });
    }

    private void send(UUID id, SseEmitter emitter, SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
        } catch (IOException | IllegalStateException e) {
            log.debug("follower of workflow {} went away: {}", id, e.toString());
            unfollow(id, emitter);
        }
    }

    private void unfollow(UUID id, SseEmitter emitter) {
        followers.computeIfPresent(id, (k, list) -> {
            list.remove(emitter);
            return list.isEmpty() ? null : list;
        });
    }

    @Override
    public void close() {
        followers.values().forEach(list -> list.forEach(SseEmitter::complete));
        sender.shutdown();
    }
}
