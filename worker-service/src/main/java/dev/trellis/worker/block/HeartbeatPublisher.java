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

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tells the scheduler, every interval, that this block lives, how busy it is and what it runs; at
 * once when it takes its first task or starts draining (the scheduler times block start-up and
 * stops drained blocks by these), and one last time, STOPPED, when it shuts down after its slots
 * closed, so the scheduler need not wait out the worker timeout.
 */
class HeartbeatPublisher {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatPublisher.class);

    private final WorkerProperties properties;
    private final SlotPool slots;
    private final TaskExecution execution;
    private final TaskIntake intake;
    private final KafkaTemplate<String, byte[]> kafka;
    private final String host = HeartbeatMessage.localHostName();

    HeartbeatPublisher(WorkerProperties properties, SlotPool slots, TaskExecution execution, TaskIntake intake,
                       KafkaTemplate<String, byte[]> kafka) {
        this.properties = properties;
        this.slots = slots;
        this.execution = execution;
        this.intake = intake;
        this.kafka = kafka;
        execution.onFirstTaskStarted(this::beat);
        execution.onClosed(this::lastBeat);
    }

    @Scheduled(fixedRateString = "${trellis.worker.heartbeat-interval:2s}")
    void beat() {
        send(intake.isDraining() ? BlockPhase.DRAINING : BlockPhase.RUNNING).whenComplete((result, error) -> {
            if (error != null) {
                log.warn("heartbeat of block {} not sent: {}", properties.blockId(), error.getMessage());
            }
        });
    }

    private void lastBeat() {
        try {
            send(BlockPhase.STOPPED).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("last heartbeat of block {} not sent ({}): the scheduler will count it lost after its worker timeout",
                    properties.blockId(), e.getMessage());
        }
    }

    private CompletableFuture<?> send(BlockPhase phase) {
        long pid = ProcessHandle.current().pid();
        HeartbeatMessage heartbeat = new HeartbeatMessage(HeartbeatMessage.CURRENT_VERSION, properties.site(),
                properties.blockId(), properties.blockId() + "/" + pid, host, pid, slots.size(), slots.busy(),
                execution.runningAttempts(), System.currentTimeMillis(), phase);
        return kafka.send(Topics.HEARTBEATS, properties.blockId(), WireCodec.write(heartbeat));
    }
}
