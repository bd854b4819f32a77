package dev.trellis.scheduler.elasticity;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.ControlMessageType;
import dev.trellis.protocol.message.DrainMessage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;

/** Tells blocks to drain, over the control topic every block reads. */
@Component
class BlockDrains {

    private static final Logger log = LoggerFactory.getLogger(BlockDrains.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final Clock clock;

    BlockDrains(KafkaTemplate<String, byte[]> kafka, Clock clock) {
        this.kafka = kafka;
        this.clock = clock;
    }

    /** Fire and forget: a drain not heard is sent again next tick, until the block's heartbeats say it drains. */
    void send(String site, String blockId, String reason) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.CONTROL, blockId,
                WireCodec.write(DrainMessage.of(site, blockId, reason, clock.millis())));
        record.headers().add(ControlMessageType.HEADER, ControlMessageType.DRAIN.headerValue());
        kafka.send(record).whenComplete((result, error) -> {
            if (error != null) {
                log.warn("drain of block {} not sent ({}); it goes again next tick", blockId, error.getMessage());
            }
        });
    }
}
