package dev.trellis.worker.block;

import dev.trellis.protocol.UnreadableMessageException;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.worker.app.Slot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Takes tasks from the site's topic, one record per poll, only while a slot is free: the
 * listener pauses when the last slot is taken and resumes when one is given back, so tasks wait
 * in Kafka (where any block of the site can take them) rather than in this block's memory.
 * A record's offset is committed only after its STARTED report reached the broker, so a block
 * killed before that point leaves the task in Kafka for another block. A task cancelled while it
 * waited there is reported FAILED without taking a slot. A block told to drain stops taking tasks for
 * good, and the site's partitions move to its other blocks.
 */
@Component
class TaskIntake {

    static final String LISTENER_ID = "trellis-task-intake";

    private final SlotPool slots;
    private final TaskExecution execution;
    private final KafkaListenerEndpointRegistry registry;
    private volatile boolean draining;

    TaskIntake(SlotPool slots, TaskExecution execution, KafkaListenerEndpointRegistry registry) {
        this.slots = slots;
        this.execution = execution;
        this.registry = registry;
        execution.onSlotReleased(this::resumeIntake);
    }

    @KafkaListener(
            id = LISTENER_ID,
            topics = "#{T(dev.trellis.protocol.Topics).tasks('${trellis.worker.site:threads}')}",
            groupId = "trellis-workers-${trellis.worker.site:threads}",
            properties = {"max.poll.records=1", "max.poll.interval.ms=600000"})
    void onTask(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        TaskMessage task = WireCodec.read(record.value(), TaskMessage.class);
        if (task.version() > TaskMessage.CURRENT_VERSION) {
            throw new UnreadableMessageException(
                    "task message version " + task.version() + " is newer than this worker understands ("
                            + TaskMessage.CURRENT_VERSION + ")", null);
        }
        if (execution.skipIfCancelled(task)) {
            return; // cancelled while it waited in the topic: no slot needed
        }
        Slot slot = slots.take();
        if (!slots.hasFree()) {
            container().pause();
        }
        execution.start(task, slot);
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

    private MessageListenerContainer container() {
        return registry.getListenerContainer(LISTENER_ID);
    }
}
