package dev.trellis.worker.block;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.AttemptStatus;
import dev.trellis.protocol.message.CancelMessage;
import dev.trellis.protocol.message.ResultMessage;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.testsupport.TopicProbe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.beans.factory.annotation.Value;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

@BlockIntegrationTest
class WorkerBlockTest {

    private static final Path DATA_ROOT = BlockIntegrationTest.DATA_ROOT;
    private static final String TASKS = Topics.tasks(BlockIntegrationTest.SITE);

    @Value("${local.server.port}")
    int port;

    @Test
    void bashTaskFromTheSiteTopicRunsAndReportsSucceeded() throws IOException {
        String workflowId = UUID.randomUUID().toString();
        TaskMessage task = new TaskMessage(workflowId, "hello", 1, "block-test", "hello",
                AppSpec.bash("echo hello {args.who} > {outputs[0]}"), Map.of("who", "trellis"), List.of(), List.of("hello.txt"));
        try (TopicProbe results = TopicProbe.watch(Topics.RESULTS)) {
            TopicProbe.send(TASKS, task.key(), WireCodec.write(task));

            ResultMessage done = endOf(results, workflowId);

            assertThat(done.status()).isEqualTo(AttemptStatus.SUCCEEDED);
            assertThat(done.attempt()).isEqualTo(1);
            assertThat(done.site()).isEqualTo("block-test");
            assertThat(done.blockId()).startsWith("block-test-");
            assertThat(done.exitCode()).isZero();
            assertThat(done.pid()).isPositive();
        }
        assertThat(Files.readString(DATA_ROOT.resolve(workflowId).resolve("hello.txt"))).isEqualTo("hello trellis\n");
    }

    @Test
    void aTaskThatEndsBeforeItsStartedReportIsDueIsReportedByItsEndAlone() throws InterruptedException {
        String workflowId = UUID.randomUUID().toString();
        TaskMessage task = new TaskMessage(workflowId, "quick", 1, "block-test", "echo",
                AppSpec.java("echo", "1"), Map.of("value", 7), List.of(), List.of());
        try (TopicProbe results = TopicProbe.watch(Topics.RESULTS)) {
            long sent = System.currentTimeMillis();
            TopicProbe.send(TASKS, task.key(), WireCodec.write(task));

            ResultMessage done = endOf(results, workflowId);
            Thread.sleep(BlockIntegrationTest.STARTED_REPORT_AFTER_MILLIS + 500); // no STARTED may follow

            assertThat(results.receivedSoFar(r -> r.key().startsWith(workflowId + "/"))).hasSize(1);
            assertThat(done.status()).isEqualTo(AttemptStatus.SUCCEEDED);
            assertThat(done.result()).isEqualTo(7);
            // Everything STARTED would have said is in the end report.
            assertThat(done.blockId()).startsWith("block-test-");
            assertThat(done.pid()).isPositive();
            assertThat(done.startedAtMillis()).isBetween(sent - 1_000, done.finishedAtMillis());
        }
    }

    @Test
    void everyReportOfAWorkflowGoesToOnePartition() {
        String workflowId = UUID.randomUUID().toString();
        try (TopicProbe results = TopicProbe.watch(Topics.RESULTS)) {
            for (int i = 0; i < 8; i++) {
                TaskMessage task = new TaskMessage(workflowId, "echo-" + i, 1, "block-test", "echo",
                        AppSpec.java("echo", "1"), Map.of("value", i), List.of(), List.of());
                TopicProbe.send(TASKS, task.key(), WireCodec.write(task));
            }

            List<ConsumerRecord<String, byte[]>> reports = results.await(r -> r.key().startsWith(workflowId + "/"), 8, Duration.ofSeconds(60));

            assertThat(reports.stream().map(ConsumerRecord::partition).distinct()).hasSize(1);
        }
    }

    @Test
    void aTaskStillRunningWhenItsStartedReportIsDueReportsStartedThenItsEnd() {
        String workflowId = UUID.randomUUID().toString();
        TaskMessage task = new TaskMessage(workflowId, "nap", 1, "block-test", "nap",
                AppSpec.bash("sleep 2"), Map.of(), List.of(), List.of());
        try (TopicProbe results = TopicProbe.watch(Topics.RESULTS)) {
            TopicProbe.send(TASKS, task.key(), WireCodec.write(task));

            List<ResultMessage> reports = reportsFor(results, workflowId, 2);

            assertThat(reports).extracting(ResultMessage::status).containsExactly(AttemptStatus.STARTED, AttemptStatus.SUCCEEDED);
            assertThat(reports.get(0).startedAtMillis()).isEqualTo(reports.get(1).startedAtMillis());
            assertThat(reports.get(0).blockId()).isEqualTo(reports.get(1).blockId());
        }
    }

    @Test
    void pythonTasksOnOneSlotSeeTheSameInterpreter() {
        String workflowId = UUID.randomUUID().toString();
        AppSpec app = AppSpec.python("where", "import os\ndef where(x):\n    return [x * 2, os.getpid()]\n");
        try (TopicProbe results = TopicProbe.watch(Topics.RESULTS)) {
            for (int i = 0; i < 3; i++) {
                TaskMessage task = new TaskMessage(workflowId, "double-" + i, 1, "block-test",
                        "where", app, Map.of("x", i), List.of(), List.of());
                TopicProbe.send(TASKS, task.key(), WireCodec.write(task));
            }
            // A slot's first call starts its interpreter, so that task may report STARTED too.
            List<ResultMessage> done = results.await(r -> r.key().startsWith(workflowId + "/")
                            && WireCodec.read(r.value(), ResultMessage.class).status() == AttemptStatus.SUCCEEDED, 3, Duration.ofSeconds(60))
                    .stream().map(r -> WireCodec.read(r.value(), ResultMessage.class)).toList();

            assertThat(done).hasSize(3);
            assertThat(done).allSatisfy(r -> {
                List<?> value = (List<?>) r.result();
                assertThat(((Number) value.get(1)).longValue()).isEqualTo(r.pid());
            });
            assertThat(done.stream().map(r -> ((List<?>) r.result()).get(0)).map(v -> ((Number) v).intValue()))
                    .containsExactlyInAnyOrder(0, 2, 4);
            // Two slots, so at most two interpreters served the three calls.
            assertThat(done.stream().map(ResultMessage::pid).distinct().count()).isBetween(1L, 2L);
        }
    }

    @Test
    void unreadableTaskRecordGoesToTheDeadLetterTopicWithTheReason() {
        try (TopicProbe deadLetters = TopicProbe.watch(Topics.deadLetter(TASKS))) {
            TopicProbe.send(TASKS, "garbage", "{not json".getBytes(StandardCharsets.UTF_8));

            ConsumerRecord<String, byte[]> dead = deadLetters.await(r -> "garbage".equals(r.key()), 1, Duration.ofSeconds(30)).get(0);

            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            String reason = new String(dead.headers().lastHeader("kafka_dlt-exception-message").value(), StandardCharsets.UTF_8);
            assertThat(reason).contains("not a valid TaskMessage");
        }
    }

    @Test
    void healthReportsTheBrokerAndPrometheusExportsSlotGauges() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode components = JsonMapper.shared().readTree(health.body()).get("components");
        assertThat(components.get("kafka").get("status").asString()).isEqualTo("UP");
        assertThat(components.get("kafka").get("details").get("nodes").asInt()).isEqualTo(1);
        assertThat(metrics.body()).contains("trellis_worker_slots{").contains("site=\"block-test\"");
    }

    /** The attempt's end report (SUCCEEDED or FAILED); a STARTED before it is skipped. */
    @Test
    void aContinuationRunsAfterItsTaskSucceedsWithThatResultAndOnlyItsEndIsReported() {
        String workflowId = UUID.randomUUID().toString();
        TaskMessage next = new TaskMessage(workflowId, "second", 1, "block-test", "echo",
                AppSpec.java("echo", "1"), new HashMap<>(Collections.singletonMap("value", null)), List.of(), List.of());
        TaskMessage first = new TaskMessage(workflowId, "first", 1, "block-test", "echo",
                AppSpec.java("echo", "1"), Map.of("value", "from first"), List.of(), List.of()).withContinuation(next, List.of("value"));
        try (TopicProbe results = TopicProbe.watch(Topics.RESULTS)) {
            TopicProbe.send(TASKS, first.key(), WireCodec.write(first));

            List<ResultMessage> reports = reportsFor(results, workflowId, 2);

            assertThat(reports).extracting(ResultMessage::taskId, ResultMessage::status, ResultMessage::result).containsExactly(
                    tuple("first", AttemptStatus.SUCCEEDED, "from first"),
                    tuple("second", AttemptStatus.SUCCEEDED, "from first"));
            assertThat(reports.get(1).blockId()).isEqualTo(reports.get(0).blockId());
            assertThat(reports.get(1).startedAtMillis()).isGreaterThanOrEqualTo(reports.get(0).finishedAtMillis());
        }
    }

    @Test
    void noContinuationRunsAfterItsTaskFailed() throws InterruptedException {
        String workflowId = UUID.randomUUID().toString();
        TaskMessage failing = bashThenMark(workflowId, "fails", "exit 3", "never");
        try (TopicProbe results = TopicProbe.watch(Topics.RESULTS)) {
            TopicProbe.send(TASKS, failing.key(), WireCodec.write(failing));

            assertThat(endOf(results, workflowId).status()).isEqualTo(AttemptStatus.FAILED);
            Thread.sleep(1_000);

            assertThat(results.receivedSoFar(r -> r.key().startsWith(workflowId + "/never"))).isEmpty();
        }
        assertThat(DATA_ROOT.resolve(workflowId).resolve("never.txt")).doesNotExist();
    }

    @Test
    void aContinuationCancelledBeforeItsTaskEndsIsReportedFailedWithoutRunning() throws InterruptedException {
        String workflowId = UUID.randomUUID().toString();
        TaskMessage napping = bashThenMark(workflowId, "naps", "sleep 3", "dropped");
        try (TopicProbe results = TopicProbe.watch(Topics.RESULTS)) {
            TopicProbe.send(TASKS, napping.key(), WireCodec.write(napping));
            results.await(r -> r.key().equals(napping.key()), 1, Duration.ofSeconds(60)); // STARTED: it runs
            CancelMessage cancel = CancelMessage.ofAttempt(workflowId, "dropped", 1, "cancelled by the test", System.currentTimeMillis());
            TopicProbe.send(Topics.CONTROL, workflowId, WireCodec.write(cancel));

            List<ResultMessage> reports = reportsFor(results, workflowId, 3);

            assertThat(reports).extracting(ResultMessage::taskId, ResultMessage::status).containsExactly(
                    tuple("naps", AttemptStatus.STARTED), tuple("naps", AttemptStatus.SUCCEEDED), tuple("dropped", AttemptStatus.FAILED));
            assertThat(reports.get(2).error()).contains("cancelled by the test");
        }
        assertThat(DATA_ROOT.resolve(workflowId).resolve("dropped.txt")).doesNotExist();
    }

    /** A bash task carrying the continuation {@code markId}, which creates {@code markId.txt} if it runs. */
    private static TaskMessage bashThenMark(String workflowId, String taskId, String command, String markId) {
        TaskMessage mark = new TaskMessage(workflowId, markId, 1, "block-test", "mark",
                AppSpec.bash("touch {outputs[0]}"), Map.of(), List.of(), List.of(markId + ".txt"));
        return new TaskMessage(workflowId, taskId, 1, "block-test", taskId, AppSpec.bash(command), Map.of(), List.of(), List.of())
                .withContinuation(mark, List.of());
    }

    private static ResultMessage endOf(TopicProbe results, String workflowId) {
        return results.await(r -> r.key().startsWith(workflowId + "/")
                        && WireCodec.read(r.value(), ResultMessage.class).status() != AttemptStatus.STARTED, 1, Duration.ofSeconds(60))
                .stream().map(r -> WireCodec.read(r.value(), ResultMessage.class)).findFirst().orElseThrow();
    }

    private static List<ResultMessage> reportsFor(TopicProbe results, String workflowId, int count) {
        return results.await(r -> r.key().startsWith(workflowId + "/"), count, Duration.ofSeconds(60)).stream()
                .map(r -> WireCodec.read(r.value(), ResultMessage.class))
                .toList();
    }
}
