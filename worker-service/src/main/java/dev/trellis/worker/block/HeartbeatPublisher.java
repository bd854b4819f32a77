package dev.trellis.worker.block;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.BlockPhase;
import dev.trellis.protocol.message.HeartbeatMessage;
import dev.trellis.worker.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Tells the scheduler, every interval, that this block lives, how busy it is and what it runs. */
class HeartbeatPublisher {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatPublisher.class);

    private final WorkerProperties properties;
    private final SlotPool slots;
    private final TaskExecution execution;
    private final KafkaTemplate<String, byte[]> kafka;
    private final String host = hostName();

    HeartbeatPublisher(WorkerProperties properties, SlotPool slots, TaskExecution execution, KafkaTemplate<String, byte[]> kafka) {
        this.properties = properties;
        this.slots = slots;
        this.execution = execution;
        this.kafka = kafka;
    }

    @Scheduled(fixedRateString = "${trellis.worker.heartbeat-interval:2s}")
    void beat() {
        HeartbeatMessage heartbeat = new HeartbeatMessage(HeartbeatMessage.CURRENT_VERSION, properties.site(),
                properties.blockId(), properties.blockId() + "/" + ProcessHandle.current().pid(), host,
                ProcessHandle.current().pid(), slots.size(), slots.busy(), execution.runningAttempts(),
                System.currentTimeMillis(), BlockPhase.RUNNING);
        kafka.send(Topics.HEARTBEATS, properties.blockId(), WireCodec.write(heartbeat))
                .whenComplete((result, error) -> {
                    if (error != null) {
                        log.warn("heartbeat of block {} not sent: {}", properties.blockId(), error.getMessage());
                    }
                });
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
