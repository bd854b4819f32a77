package dev.trellis.scheduler.observability;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.TestBlocks;
import dev.trellis.testsupport.LocalHttp;
import dev.trellis.testsupport.TopicProbe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What operators see: health, the schema, Prometheus meters, OpenAPI, and dead letters. */
@SchedulerIntegrationTest
class SchedulerObservabilityTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void startBlocks() {
        TestBlocks.ensure("threads", 4);
    }

    @Test
    void healthReportsPostgresAndKafka() {
        JsonNode components = JsonMapper.shared().readTree(new LocalHttp(port).get("/actuator/health").body()).get("components");

        assertThat(components.get("db").get("status").asString()).isEqualTo("UP");
        assertThat(components.get("db").get("details").get("database").asString()).isEqualTo("PostgreSQL");
        assertThat(components.get("kafka").get("status").asString()).isEqualTo("UP");
    }

    @Test
    void flywayCreatedTheSchedulersTables() {
        List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
                .query(String.class).list();
        assertThat(tables).contains("workflows", "workflow_task_batches", "tasks", "attempts", "flyway_schema_history");
    }

    @Test
    void prometheusExportsTaskQueueAndTimingMetersAfterAWorkflowRan() {
        LocalHttp http = new LocalHttp(port);
        String spec = """
                name: metered
                apps:
                  echo: {type: java, function: echo, sites: [threads]}
                tasks:
                  - {id: "e-{i}", app: echo, count: 3, args: {value: "{i}"}}
                """;
        SubmissionView submission = WireCodec.readValue(http.post("/api/workflows", "application/yaml", spec).body(), SubmissionView.class);
        WorkflowView done = WireCodec.readValue(http.get("/api/workflows/" + submission.id() + "/wait?timeout=60s").body(), WorkflowView.class);
        assertThat(done.status()).isEqualTo("SUCCEEDED");

        String metrics = http.get("/actuator/prometheus").body();

        // Every meter also carries the common tag service="scheduler-service".
        assertThat(metrics).contains(
                "trellis_tasks_transitions_total{app=\"echo\",service=\"scheduler-service\",site=\"threads\",state=\"SUCCEEDED\"}",
                "trellis_tasks_current{service=\"scheduler-service\",state=\"RUNNING\"}",
                "trellis_workflows_active{service=\"scheduler-service\"}",
                "trellis_site_queue_depth{service=\"scheduler-service\",site=\"threads\"}",
                "trellis_site_tasks_running{service=\"scheduler-service\",site=\"threads\"}",
                "trellis_task_queue_wait_seconds_bucket{service=\"scheduler-service\",site=\"threads\"",
                "trellis_task_run_time_seconds_count{app=\"echo\",service=\"scheduler-service\",site=\"threads\",status=\"SUCCEEDED\"}",
                "trellis_workflows_finished_total{service=\"scheduler-service\",status=\"SUCCEEDED\"}");
    }

    @Test
    void openApiDocumentsTheWorkflowApi() {
        String docs = new LocalHttp(port).get("/v3/api-docs").body();
        assertThat(docs).contains("/api/workflows", "/api/workflows/{id}/wait", "/api/workflows/{id}/tasks");
    }

    @Test
    void unreadableReportGoesToTheDeadLetterTopicAndIsCounted() {
        try (TopicProbe deadLetters = TopicProbe.watch(Topics.deadLetter(Topics.RESULTS))) {
            TopicProbe.send(Topics.RESULTS, "not-a-report", "\u0000garbage".getBytes(StandardCharsets.UTF_8));

            ConsumerRecord<String, byte[]> dead = deadLetters.await(r -> "not-a-report".equals(r.key()), 1, Duration.ofSeconds(30)).get(0);

            String reason = new String(dead.headers().lastHeader("kafka_dlt-exception-message").value(), StandardCharsets.UTF_8);
            assertThat(reason).contains("not a valid ResultMessage");
        }
        assertThat(new LocalHttp(port).get("/actuator/prometheus").body())
                .contains("trellis_kafka_dead_letters_total{service=\"scheduler-service\",topic=\"trellis.results\"}");
    }
}
