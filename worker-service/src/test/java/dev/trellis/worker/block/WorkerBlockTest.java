package dev.trellis.worker.block;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.AttemptStatus;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@BlockIntegrationTest
class WorkerBlockTest {

    private static final Path DATA_ROOT = BlockIntegrationTest.DATA_ROOT;
    private static final String TASKS = Topics.tasks(BlockIntegrationTest.SITE);

    @Value("${local.server.port}")
    int port;

    @Test
    void bashTaskFromTheSiteTopicRunsAndReportsSucceeded() throws IOException {
        String workflowId = UUID.randomUUID().toString();
        TaskMessage task = new TaskMessage(TaskMessage.CURRENT_VERSION, workflowId, "hello", 1, "block-test", "hello",
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
        TaskMessage task = new TaskMessage(TaskMessage.CURRENT_VERSION, workflowId, "quick", 1, "block-test", "echo",
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
                TaskMessage task = new TaskMessage(TaskMessage.CURRENT_VERSION, workflowId, "echo-" + i, 1, "block-test", "echo",
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
        TaskMessage task = new TaskMessage(TaskMessage.CURRENT_VERSION, workflowId, "nap", 1, "block-test", "nap",
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
                TaskMessage task = new TaskMessage(TaskMessage.CURRENT_VERSION, workflowId, "double-" + i, 1, "block-test",
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
