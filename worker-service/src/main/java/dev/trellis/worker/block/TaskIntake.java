package dev.trellis.worker.block;

import dev.trellis.protocol.UnreadableMessageException;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.worker.app.Slot;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Takes tasks from the site's topic, only as many as it has free slots: a poll returns at most two
 * records per slot, a record for which no slot frees up within a moment is handed back with the
 * ones after it (the consumer seeks to them), and the listener polls again only once a slot is free
 * (it waits a moment, then pauses until a slot is given back). So tasks wait in Kafka, where any
 * block of the site can take them, never in this block's memory.
 *
 * <p>A taken task starts at once; its reports are sent without waiting, and its offset is
 * committed (here, on the consumer thread, see {@link IntakeOffsets}) only once its first report
 * reached the broker. A task cancelled while it waited in the topic is reported FAILED without taking a slot.
 *
 * <p>{@link #drain()} stops this listener's container: the block takes no task from then on, its
 * partitions go to other blocks once what it took is reported and committed, and the tasks it runs
 * finish.
 */
@Component
class TaskIntake {

    static final String LISTENER_ID = "trellis-task-intake";
    /** The bean that sets this listener's container up for {@link IntakeOffsets}: manual commits, idle events, hand-over. */
    static final String CONTAINER_SETUP = "taskIntakeContainerSetup";
    /** How soon, once no task arrives, the last taken ones are committed. */
    static final Duration IDLE_COMMIT_AFTER = Duration.ofMillis(200);
    /** How long the listener waits for a busy block's next free slot before it pauses. */
    private static final Duration SLOT_WAIT = Duration.ofMillis(50);

    private final SlotPool slots;
    private final TaskExecution execution;
    private final IntakeOffsets offsets;
    private final KafkaListenerEndpointRegistry registry;
    private volatile boolean draining;

    TaskIntake(SlotPool slots, TaskExecution execution, IntakeOffsets offsets, KafkaListenerEndpointRegistry registry) {
        this.slots = slots;
        this.execution = execution;
        this.offsets = offsets;
        this.registry = registry;
        execution.onSlotReleased(this::resumeIntake);
    }

    @KafkaListener(
            id = LISTENER_ID,
            topics = "#{T(dev.trellis.protocol.Topics).tasks('${trellis.worker.site:threads}')}",
            groupId = "trellis-workers-${trellis.worker.site:threads}",
            batch = "true",
            containerPostProcessor = CONTAINER_SETUP,
            properties = {"max.poll.records=#{2 * ${trellis.worker.slots:4}}", "max.poll.interval.ms=600000"})
    void onTasks(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            TaskMessage task = readable(record, i);
            Optional<String> cancelled = execution.cancellationOf(task);
            CompletableFuture<?> reported;
            if (cancelled.isPresent()) {
                reported = execution.skip(task, cancelled.get()); // cancelled while it waited in the topic: no slot needed
            } else {
                Slot slot = takeSlotSoon();
                if (slot == null) {
                    handBack(records.subList(i, records.size()), consumer);
                    break;
                }
                reported = execution.start(task, slot);
            }
            offsets.taken(record, reported);
        }
        offsets.commit(consumer);
        awaitFreeSlot();
    }

    /**
     * A free slot, waiting a moment for one: a poll returns up to twice as many records as the block
     * has slots, and short tasks free a slot sooner than a poll could hand the record back and fetch
     * it again. Null when none came.
     */
    private Slot takeSlotSoon() {
        Slot slot = slots.tryTake();
        try {
            long deadline = System.nanoTime() + SLOT_WAIT.toNanos();
            while (slot == null && slots.awaitFree(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                slot = slots.tryTake();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return slot;
    }

    /**
     * The error handler dead-letters an unreadable record and commits the ones before it, so their
     * reports must have reached the broker first.
     */
    private TaskMessage readable(ConsumerRecord<String, byte[]> record, int index) {
        try {
            TaskMessage task = WireCodec.read(record.value(), TaskMessage.class);
            if (task.version() > TaskMessage.CURRENT_VERSION) {
                throw new UnreadableMessageException("task message version " + task.version()
                        + " is newer than this worker understands (" + TaskMessage.CURRENT_VERSION + ")", null);
            }
            return task;
        } catch (UnreadableMessageException e) {
            execution.flushReports();
            throw new BatchListenerFailedException(e.getMessage(), e, index);
        }
    }

    /** The next poll delivers these again, here or, once the partition moves, on another block. */
    private static void handBack(List<ConsumerRecord<String, byte[]>> untaken, Consumer<?, ?> consumer) {
        Map<TopicPartition, Long> firstUntaken = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : untaken) {
            firstUntaken.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
        }
        firstUntaken.forEach(consumer::seek);
    }

    /**
     * Returns to poll once a slot is free. Short tasks free one within a moment, and waiting here for
     * it costs less than a pause and a resume; the next tasks wait in Kafka either way. Past that
     * moment the listener pauses, so that stopping its container is never held up by a long task.
     */
    private void awaitFreeSlot() {
        try {
            if (slots.awaitFree(SLOT_WAIT)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pauseWhileFull();
    }

    private void pauseWhileFull() {
        if (!slots.hasFree()) {
            MessageListenerContainer container = container();
            container.pause();
            if (slots.hasFree()) {
                container.resume(); // a slot came back between the check and the pause, and found nothing to resume
            }
        }
    }

    /**
     * Takes no task from now on; the running ones finish. Returns once the listener has stopped (a task
     * it was handing to a slot is started first), so a heartbeat saying DRAINING after this is final.
     */
    synchronized void drain() {
        if (draining) {
            return;
        }
        MessageListenerContainer container = container();
        if (container != null) {
            container.stop();
        }
        draining = true;
    }

    boolean isDraining() {
        return draining;
    }

    private void resumeIntake() {
        MessageListenerContainer container = container();
        if (container != null && container.isPauseRequested() && !draining) {
            container.resume();
        }
    }

    /** Commits what the last tasks of a burst reported; idle events come on the consumer thread. */
    @EventListener(condition = "event.listenerId.startsWith('" + LISTENER_ID + "')")
    void onIdle(ListenerContainerIdleEvent event) {
        offsets.commit(event.getConsumer());
    }

    private MessageListenerContainer container() {
        return registry.getListenerContainer(LISTENER_ID);
    }
}
