package dev.trellis.worker.block;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.CancelMessage;
import dev.trellis.protocol.message.ControlMessageType;
import dev.trellis.protocol.message.DrainMessage;
import dev.trellis.worker.WorkerProperties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Hears the scheduler's cancellations and drains. Every block must see every one, so each reads the control
 * topic in a consumer group of its own, from the end: nothing cancelled before the block started
 * can be running here (though an attempt cancelled while still queued then will run, its result
 * ignored). The group's committed offsets expire with the broker's offsets retention.
 */
@Component
class ControlListener {

    static final String LISTENER_ID = "trellis-control";

    private static final Logger log = LoggerFactory.getLogger(ControlListener.class);

    private final WorkerProperties properties;
    private final TaskExecution execution;
    private final TaskIntake intake;
    private final HeartbeatPublisher heartbeats;

    ControlListener(WorkerProperties properties, TaskExecution execution, TaskIntake intake, HeartbeatPublisher heartbeats) {
        this.properties = properties;
        this.execution = execution;
        this.intake = intake;
        this.heartbeats = heartbeats;
    }

    @KafkaListener(id = LISTENER_ID, topics = Topics.CONTROL,
            groupId = "trellis-control-${trellis.worker.site:threads}-#{T(java.util.UUID).randomUUID()}",
            properties = "auto.offset.reset=latest")
    void onControl(ConsumerRecord<String, byte[]> record) {
        Header type = record.headers().lastHeader(ControlMessageType.HEADER);
        switch (ControlMessageType.fromHeader(type == null ? null : type.value())) {
            case CANCEL -> execution.cancel(WireCodec.read(record.value(), CancelMessage.class));
            case DRAIN -> drainIfMine(WireCodec.read(record.value(), DrainMessage.class));
        }
    }

    /** The scheduler sends a drain again until heartbeats say DRAINING, so repeats are expected. */
    private void drainIfMine(DrainMessage drain) {
        if (!drain.blockId().equals(properties.blockId())) {
            return;
        }
        if (!intake.isDraining()) {
            log.info("block {} draining ({}): takes no new task, finishing {}", properties.blockId(), drain.reason(),
                    execution.runningAttempts());
            intake.drain();
        }
        heartbeats.beat();
    }
}
