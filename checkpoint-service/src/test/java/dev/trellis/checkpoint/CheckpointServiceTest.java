package dev.trellis.checkpoint;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.memo.MemoLookupRequest;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.trellis.checkpoint.MemoApi.keys;
import static dev.trellis.checkpoint.WorkflowRun.aRunOfANewWorkflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@RunningCheckpointService
class CheckpointServiceTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcClient jdbc;

    MemoApi api;

    @BeforeEach
    void connect() {
        api = new MemoApi(port);
    }

    @Test
    void flywayCreatedTheMemoAndCheckpointTablesAndTheIndexesScopedLookupsNeed() {
        List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
                .query(String.class).list();
        List<String> indexes = jdbc.sql("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'").query(String.class).list();

        assertThat(tables).contains("memo_entries", "checkpoints", "checkpoint_entries", "flyway_schema_history");
        assertThat(indexes).contains("checkpoint_entries_cache_key_idx", "checkpoint_entries_run_idx", "checkpoints_workflow_name_idx", "checkpoints_workflow_id_idx");
    }

    @Test
    void entriesStoredOverRestAreFoundByABatchLookupAndMissingKeysAreAbsent() {
        MemoRecord entry = aRunOfANewWorkflow().finishedTask("first");

        api.store(entry);

        assertThat(api.lookupEntries(List.of(entry.cacheKey(), "absent-key"), null)).singleElement().satisfies(found -> {
            assertThat(found.result()).isEqualTo(Map.of("value", "first"));
            assertThat(found.outputs()).containsExactly(new MemoRecord.OutputDigest("first.out", "ab12"));
        });
    }

    @Test
    void aLookupAnswersEachKindOfResultAsItWasStoredWithItsRunAndTime() {
        WorkflowRun run = aRunOfANewWorkflow();
        List<Object> results = Arrays.asList(null, 42, 2.5, "text with \"quotes\" and\nlines", true,
                List.of(1, "two", Map.of("three", 3)), Map.of("nested", Map.of("list", List.of()), "empty", ""));
        List<MemoRecord> entries = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            entries.add(new MemoRecord("kinds-" + UUID.randomUUID(), "kinds", run.workflowName(), run.workflowId(), "t" + i,
                    results.get(i), List.of(), 1_700_000_000_123L + i));
        }
        api.store(entries.toArray(MemoRecord[]::new));

        List<MemoRecord> found = api.lookupEntries(entries.stream().map(MemoRecord::cacheKey).toList(), null);

        assertThat(found).containsExactlyInAnyOrderElementsOf(entries);
    }

    @Test
    void aLookupOfMoreKeysThanTheMaximumIsAContentTooLargeProblem() {
        var response = api.http().postJson("/api/memo/lookup",
                WireCodec.writeString(new MemoLookupRequest(Collections.nCopies(10_001, "k"))));

        assertThat(response.statusCode()).isEqualTo(413);
        JsonNode problem = JsonMapper.shared().readTree(response.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://trellis.dev/problems/batch-too-large");
        assertThat(problem.get("instance").asString()).isEqualTo("/api/memo/lookup");
    }

    @Test
    void aBodyThatIsNotJsonIsABadRequestProblem() {
        var response = api.http().postJson("/api/memo/entries", "{\"entries\": [");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = JsonMapper.shared().readTree(response.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://trellis.dev/problems/invalid-request");
        assertThat(problem.get("instance").asString()).isEqualTo("/api/memo/entries");
    }

    @Test
    void anIncompleteEntryStoredOverRestIsABadRequestNamingTheFieldAndNothingIsStored() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoRecord good = run.finishedTask("good");
        MemoRecord noTask = new MemoRecord("k-" + UUID.randomUUID(), "app", run.workflowName(), run.workflowId(), " ", 1, List.of(), 1L);

        var response = api.http().postJson("/api/memo/entries",
                WireCodec.writeString(new MemoStoreRequest(List.of(good, noTask))));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JsonMapper.shared().readTree(response.body()).get("errors").get(0).asString()).isEqualTo("$.entries[1].taskId: required");
        assertThat(api.lookup(keys(good), null)).isEmpty();
    }

    @Test
    void anEntryPostgresRefusesIsABadRequestAndNothingIsStored() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoRecord good = run.finishedTask("good");
        MemoRecord nul = new MemoRecord("k-" + UUID.randomUUID(), "app", run.workflowName(), run.workflowId(), "t", "a\u0000b", List.of(), 1L);

        var response = api.http().postJson("/api/memo/entries", WireCodec.writeString(new MemoStoreRequest(List.of(good, nul))));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JsonMapper.shared().readTree(response.body()).get("detail").asString())
                .isEqualTo("the database refused the request; nothing was stored");
        assertThat(api.lookup(keys(good), null)).isEmpty();
    }

    @Test
    void healthReportsDatabaseAndBroker() {
        JsonNode components = JsonMapper.shared().readTree(api.http().get("/actuator/health").body()).get("components");

        assertThat(components.get("db").get("status").asString()).isEqualTo("UP");
        assertThat(components.get("db").get("details").get("database").asString()).isEqualTo("PostgreSQL");
        assertThat(components.get("kafka").get("status").asString()).isEqualTo("UP");
    }

    @Test
    void prometheusExportsHitsMissesLookupLatencyStoredEntriesCheckpointsAndTheEntryCount() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoRecord entry = run.finishedTask("t");
        api.sendAndAwait(run.checkpointAt(1_000, entry));
        api.lookup(List.of(entry.cacheKey(), "absent-" + UUID.randomUUID()), MemoApi.latest(run.workflowName()));

        String scrape = api.http().get("/actuator/prometheus").body();

        assertThat(scrape).contains(
                "trellis_memo_lookups_total{outcome=\"hit\"",
                "trellis_memo_lookups_total{outcome=\"miss\"",
                "trellis_memo_lookup_latency_seconds_bucket{scope=\"latest\"",
                "trellis_memo_stored_total",
                "trellis_checkpoints_total{mode=\"task_exit\"");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(gauge(api.http().get("/actuator/prometheus").body(), "trellis_memo_entries")).isPositive());
    }

    private static double gauge(String scrape, String name) {
        return scrape.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " is not exported"));
    }
}
