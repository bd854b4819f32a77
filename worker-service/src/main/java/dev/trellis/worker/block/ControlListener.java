package dev.trellis.worker.block;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.CancelMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Hears the scheduler's cancellations. Every block must see every one, so each reads the control
 * topic in a consumer group of its own, from the end: nothing cancelled before the block started
 * can be running here (though an attempt cancelled while still queued then will run, its result
 * ignored). The group's committed offsets expire with the broker's offsets retention.
 */
@Component
class ControlListener {

    static final String LISTENER_ID = "trellis-control";

    private final TaskExecution execution;

    ControlListener(TaskExecution execution) {
        this.execution = execution;
    }

    @KafkaListener(id = LISTENER_ID, topics = Topics.CONTROL,
            groupId = "trellis-control-${trellis.worker.site:threads}-#{T(java.util.UUID).randomUUID()}",
            properties = "auto.offset.reset=latest")
    void onControl(ConsumerRecord<String, byte[]> record) {
        execution.cancel(WireCodec.read(record.value(), CancelMessage.class));
    }
}
