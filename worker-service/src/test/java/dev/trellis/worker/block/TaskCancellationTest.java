package dev.trellis.worker.block;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.AttemptStatus;
import dev.trellis.protocol.message.CancelMessage;
import dev.trellis.protocol.message.ResultMessage;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.testsupport.TopicProbe;
import dev.trellis.worker.app.ProcessState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Cancellations from the control topic: running attempts stop and free their slots, queued ones are skipped. */
@BlockIntegrationTest
class TaskCancellationTest {

    private static final String TASKS = Topics.tasks(BlockIntegrationTest.SITE);
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    private final String workflowId = UUID.randomUUID().toString();
    private TopicProbe results;

    @BeforeEach
    void watchResultsOnceTheBlockListensForCancellations() throws InterruptedException {
        MessageListenerContainer control = listeners.getListenerContainer(ControlListener.LISTENER_ID);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (control.getAssignedPartitions() == null || control.getAssignedPartitions().isEmpty()) {
            assertThat(System.nanoTime()).as("the control listener got its partitions").isLessThan(deadline);
            Thread.sleep(50);
        }
        results = TopicProbe.watch(Topics.RESULTS);
    }

    @AfterEach
    void stopWhatTheTestLeftRunning() {
        TopicProbe.send(Topics.CONTROL, workflowId,
                WireCodec.write(CancelMessage.ofWorkflow(workflowId, "test over", System.currentTimeMillis())));
        results.close();
    }

    @Test
    void aRunningBashTaskIsKilledWithItsChildrenAndItsSlotTakesTheNextTask() throws IOException, InterruptedException {
        // Both slots busy, so the next task can only run in the slot the cancellation frees.
        send(bash("sleeper", "echo $$ > bash.pid; sleep 60 & echo $! > sleep.pid; wait"));
        send(bash("neighbour", "sleep 60"));
        awaitReport("sleeper", AttemptStatus.STARTED);
        awaitReport("neighbour", AttemptStatus.STARTED);
        long bashPid = pidIn("sleeper", "bash.pid");
        long sleepPid = pidIn("sleeper", "sleep.pid");

        Instant cancelledAt = Instant.now();
        cancel("sleeper", "workflow cancelled");
        ResultMessage stopped = awaitReport("sleeper", AttemptStatus.FAILED);

        assertThat(Duration.between(cancelledAt, Instant.now())).isLessThan(PROMPTLY);
        assertThat(stopped.error()).isEqualTo("cancelled: workflow cancelled");
        assertThat(ProcessState.isRunning(bashPid)).as("bash still running").isFalse();
        assertThat(ProcessState.isRunning(sleepPid)).as("its sleep 60 still running").isFalse();

        send(bash("next", "echo next"));

        assertThat(awaitReport("next", AttemptStatus.SUCCEEDED).exitCode()).isZero();
    }

    @Test
    void aRunningPythonTaskIsStoppedWithItsInterpreterAndTheSlotStartsANewOne() throws IOException, InterruptedException {
        send(python("nap", """
                import os, time
                def nap():
                    with open('python.pid', 'w') as f:
                        f.write(str(os.getpid()))
                    time.sleep(60)
                """));
        send(bash("neighbour", "sleep 60"));
        awaitReport("nap", AttemptStatus.STARTED);
        awaitReport("neighbour", AttemptStatus.STARTED);
        long interpreterPid = pidIn("nap", "python.pid");

        Instant cancelledAt = Instant.now();
        cancel("nap", "cancelled on request");
        ResultMessage stopped = awaitReport("nap", AttemptStatus.FAILED);

        assertThat(Duration.between(cancelledAt, Instant.now())).isLessThan(PROMPTLY);
        assertThat(stopped.error()).isEqualTo("cancelled: cancelled on request");
        assertThat(ProcessState.isRunning(interpreterPid)).as("the interpreter still running").isFalse();

        send(python("where", "import os\ndef where():\n    return os.getpid()\n"));
        ResultMessage next = awaitReport("where", AttemptStatus.SUCCEEDED);

        assertThat(((Number) next.result()).longValue()).as("a new interpreter").isNotEqualTo(interpreterPid);
    }

    @Test
    void anAttemptCancelledWhileItWaitsInTheTopicIsReportedFailedWithoutRunning() {
        // With both slots busy the block takes nothing from the topic, so "late" waits there.
        send(bash("blocker-0", "sleep 60"));
        send(bash("blocker-1", "sleep 60"));
        awaitReport("blocker-0", AttemptStatus.STARTED);
        awaitReport("blocker-1", AttemptStatus.STARTED);
        cancel("late", "cancelled on request");
        send(bash("late", "touch ran.txt"));
        // Same key, same partition: by the time this frees a slot for "late", the first one was heard.
        cancel("blocker-0", "make room");

        ResultMessage skipped = firstReport("late");

        assertThat(skipped.status()).as("no STARTED before it").isEqualTo(AttemptStatus.FAILED);
        assertThat(skipped.error()).isEqualTo("cancelled before it started: cancelled on request");
        assertThat(BlockIntegrationTest.DATA_ROOT.resolve(workflowId).resolve("tasks/late")).doesNotExist();
    }

    private TaskMessage bash(String taskId, String command) {
        return task(taskId, "sh", AppSpec.bash(command));
    }

    private TaskMessage python(String function, String source) {
        return task(function, function, AppSpec.python(function, source));
    }

    private TaskMessage task(String taskId, String appName, AppSpec app) {
        return new TaskMessage(workflowId, taskId, 1, BlockIntegrationTest.SITE, appName,
                app, Map.of(), List.of(), List.of());
    }

    private static void send(TaskMessage task) {
        TopicProbe.send(TASKS, task.key(), WireCodec.write(task));
    }

    private void cancel(String taskId, String reason) {
        CancelMessage cancel = CancelMessage.ofAttempt(workflowId, taskId, 1, reason, System.currentTimeMillis());
        TopicProbe.send(Topics.CONTROL, workflowId, WireCodec.write(cancel));
    }

    private ResultMessage awaitReport(String taskId, AttemptStatus status) {
        return results.await(r -> isFor(r, taskId) && read(r).status() == status, 1, Duration.ofSeconds(30)).stream()
                .map(TaskCancellationTest::read).findFirst().orElseThrow();
    }

    private ResultMessage firstReport(String taskId) {
        return read(results.await(r -> isFor(r, taskId), 1, Duration.ofSeconds(30)).get(0));
    }

    private boolean isFor(ConsumerRecord<String, byte[]> record, String taskId) {
        return record.key().equals(workflowId + "/" + taskId);
    }

    private static ResultMessage read(ConsumerRecord<String, byte[]> record) {
        return WireCodec.read(record.value(), ResultMessage.class);
    }

    /** The pid the app wrote to a file in its working directory, once it has. */
    private long pidIn(String taskId, String file) throws IOException, InterruptedException {
        Path path = BlockIntegrationTest.DATA_ROOT.resolve(workflowId).resolve("tasks").resolve(taskId).resolve(file);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(path) || Files.readString(path).isBlank()) {
            assertThat(System.nanoTime()).as(file + " written").isLessThan(deadline);
            Thread.sleep(20);
        }
        return Long.parseLong(Files.readString(path).strip());
    }
}
