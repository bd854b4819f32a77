package dev.trellis.checkpoint;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.memo.MemoLookupRequest;
import dev.trellis.protocol.memo.MemoLookupResponse;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreRequest;
import dev.trellis.testsupport.LocalHttp;
import dev.trellis.testsupport.WithTrellisInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = CheckpointApplication.CONFIG_NAME)
@WithTrellisInfrastructure
class CheckpointServiceTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void flywayCreatedTheMemoAndCheckpointTables() {
        List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
                .query(String.class).list();
        assertThat(tables).contains("memo_entries", "checkpoints", "checkpoint_entries", "flyway_schema_history");
    }

    @Test
    void storedEntriesAreFoundByABatchLookupAndMissingKeysAreAbsent() {
        LocalHttp http = new LocalHttp(port);
        String key = "slow_message-" + UUID.randomUUID();
        MemoRecord record = new MemoRecord(key, "slow_message", "caching", UUID.randomUUID().toString(), "first",
                Map.of("message", "Hello World"), List.of(new MemoRecord.OutputDigest("out.txt", "ab12")), 1_700_000_000_000L);

        assertThat(http.postJson("/api/memo/entries", WireCodec.writeString(new MemoStoreRequest(List.of(record)))).statusCode())
                .isEqualTo(204);
        var response = http.postJson("/api/memo/lookup", WireCodec.writeString(new MemoLookupRequest(List.of(key, "absent-key"))));

        assertThat(response.statusCode()).isEqualTo(200);
        MemoLookupResponse found = WireCodec.readValue(response.body(), MemoLookupResponse.class);
        assertThat(found.found()).singleElement().satisfies(entry -> {
            assertThat(entry.cacheKey()).isEqualTo(key);
            assertThat(entry.result()).isEqualTo(Map.of("message", "Hello World"));
            assertThat(entry.outputs()).containsExactly(new MemoRecord.OutputDigest("out.txt", "ab12"));
        });
    }

    @Test
    void invalidatedEntryIsNoLongerFound() {
        LocalHttp http = new LocalHttp(port);
        String key = "k-" + UUID.randomUUID();
        http.postJson("/api/memo/entries", WireCodec.writeString(new MemoStoreRequest(List.of(
                new MemoRecord(key, "app", "wf", UUID.randomUUID().toString(), "t", 1, List.of(), 1L)))));

        assertThat(http.delete("/api/memo/entries/" + key).statusCode()).isEqualTo(204);
        assertThat(http.delete("/api/memo/entries/" + key).statusCode()).isEqualTo(404);
        var response = http.postJson("/api/memo/lookup", WireCodec.writeString(new MemoLookupRequest(List.of(key))));
        assertThat(WireCodec.readValue(response.body(), MemoLookupResponse.class).found()).isEmpty();
    }

    @Test
    void healthReportsDatabaseAndBrokerAndPrometheusIsExported() {
        LocalHttp http = new LocalHttp(port);
        JsonNode components = JsonMapper.shared().readTree(http.get("/actuator/health").body()).get("components");

        assertThat(components.get("db").get("status").asString()).isEqualTo("UP");
        assertThat(components.get("db").get("details").get("database").asString()).isEqualTo("PostgreSQL");
        assertThat(components.get("kafka").get("status").asString()).isEqualTo("UP");
        assertThat(http.get("/actuator/prometheus").body()).contains("trellis_memo_entries");
    }
}
