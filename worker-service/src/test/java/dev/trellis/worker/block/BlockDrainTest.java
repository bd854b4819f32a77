package dev.trellis.worker.block;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.AttemptStatus;
import dev.trellis.protocol.message.BlockPhase;
import dev.trellis.protocol.message.ControlMessageType;
import dev.trellis.protocol.message.DrainMessage;
import dev.trellis.protocol.message.HeartbeatMessage;
import dev.trellis.protocol.message.ResultMessage;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.testsupport.TopicProbe;
import dev.trellis.testsupport.TrellisInfrastructureInitializer;
import dev.trellis.worker.WorkerApplication;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A block told to drain finishes what it runs, takes nothing new and says so in its heartbeats; a
 * block shutting down says STOPPED in its last heartbeat. Each test starts its own block of a site of
 * its own, so draining it disturbs no other test.
 */
class BlockDrainTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final String site = "drain-" + UUID.randomUUID().toString().substring(0, 8);
    private final String blockId = site + "-block";
    private final String workflowId = UUID.randomUUID().toString();
    private ConfigurableApplicationContext block;
    private final TopicProbe heartbeats = TopicProbe.watch(Topics.HEARTBEATS);
    private final TopicProbe results = TopicProbe.watch(Topics.RESULTS);

    @AfterEach
    void stop() {
        if (block != null) {
            block.close();
        }
        heartbeats.close();
        results.close();
    }

    @Test
    void aDrainedBlockFinishesItsRunningTaskTakesNoNewOneAndSaysSoInItsHeartbeats() throws InterruptedException {
        block = startBlock();
        send(bash("long", "sleep 2; echo done"));
        awaitReport("long", AttemptStatus.STARTED);

        drain(site + "-someone-else");
        drain(blockId);
        HeartbeatMessage draining = awaitHeartbeat(h -> h.phase() == BlockPhase.DRAINING);
        send(bash("late", "echo late"));

        assertThat(draining.busySlots()).as("the running task still counts").isEqualTo(1);
        assertThat(awaitReport("long", AttemptStatus.SUCCEEDED).exitCode()).isZero();
        awaitHeartbeat(h -> h.phase() == BlockPhase.DRAINING && h.busySlots() == 0);
        Thread.sleep(1_000); // a free slot and a waiting task: a block still taking tasks would have started it
        assertThat(results.receivedSoFar(r -> r.key().equals(workflowId + "/late")))
                .as("reports of the task sent after the drain").isEmpty();
    }

    @Test
    void aDrainForAnotherBlockIsIgnored() {
        block = startBlock();
        drain(site + "-someone-else");
        send(bash("after", "echo still here"));

        assertThat(awaitReport("after", AttemptStatus.SUCCEEDED).exitCode()).isZero();
        awaitHeartbeat(h -> h.busySlots() == 0);
        assertThat(heartbeatsOfThisBlock().stream().map(HeartbeatMessage::phase)).containsOnly(BlockPhase.RUNNING);
    }

    @Test
    void aBlockShuttingDownSendsAStoppedHeartbeatLast() {
        block = startBlock();
        awaitHeartbeat(h -> h.phase() == BlockPhase.RUNNING);

        block.close();
        block = null;

        HeartbeatMessage last = awaitHeartbeat(h -> h.phase() == BlockPhase.STOPPED);
        assertThat(last.busySlots()).isZero();
    }

    private ConfigurableApplicationContext startBlock() {
        TopicProbe.watch(Topics.tasks(site)).close(); // creates the site's topic, as the scheduler would
        ConfigurableApplicationContext context = WorkerApplication.application()
                .initializers(new TrellisInfrastructureInitializer())
                .run("--trellis.worker.site=" + site, "--trellis.worker.slots=2", "--trellis.worker.block-id=" + blockId,
                        "--trellis.worker.heartbeat-interval=200ms", "--server.port=0",
                        "--trellis.worker.data-root=" + BlockIntegrationTest.DATA_ROOT);
        awaitControlPartitions(context);
        return context;
    }

    /** A drain sent before the block reads the control topic would pass it by (it reads from the end). */
    private static void awaitControlPartitions(ConfigurableApplicationContext context) {
        var control = context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer(ControlListener.LISTENER_ID);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (control.getAssignedPartitions() == null || control.getAssignedPartitions().isEmpty()) {
            assertThat(System.nanoTime()).as("the control listener got its partitions").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private void drain(String block) {
        TopicProbe.send(Topics.CONTROL, block, WireCodec.write(DrainMessage.of(site, block, "test", System.currentTimeMillis())),
                Map.of(ControlMessageType.HEADER, ControlMessageType.DRAIN.headerValue()));
    }

    private HeartbeatMessage awaitHeartbeat(java.util.function.Predicate<HeartbeatMessage> condition) {
        return heartbeats.await(r -> blockId.equals(r.key()) && condition.test(read(r)), 1, WAIT).stream()
                .map(BlockDrainTest::read).findFirst().orElseThrow();
    }

    private List<HeartbeatMessage> heartbeatsOfThisBlock() {
        return heartbeats.receivedSoFar(r -> blockId.equals(r.key())).stream().map(BlockDrainTest::read).toList();
    }

    private TaskMessage bash(String taskId, String command) {
        return new TaskMessage(workflowId, taskId, 1, site, "sh", AppSpec.bash(command),
                Map.of(), List.of(), List.of());
    }

    private void send(TaskMessage task) {
        TopicProbe.send(Topics.tasks(site), task.key(), WireCodec.write(task));
    }

    private ResultMessage awaitReport(String taskId, AttemptStatus status) {
        return results.await(r -> r.key().equals(workflowId + "/" + taskId)
                        && WireCodec.read(r.value(), ResultMessage.class).status() == status, 1, WAIT).stream()
                .map(r -> WireCodec.read(r.value(), ResultMessage.class)).findFirst().orElseThrow();
    }

    private static HeartbeatMessage read(ConsumerRecord<String, byte[]> record) {
        return WireCodec.read(record.value(), HeartbeatMessage.class);
    }
}
