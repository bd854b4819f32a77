package dev.trellis.scheduler.memo;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.memo.CheckpointView;
import dev.trellis.protocol.memo.MemoLookupRequest.ResumeScope;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreBatch;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.TestCheckpointService;
import dev.trellis.testsupport.LocalHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.core.type.TypeReference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The scheduler's client of the checkpoint-service, with batches larger than one request or Kafka record carries. */
@SchedulerIntegrationTest
class MemoClientTest {

    private static final TypeReference<List<CheckpointView>> CHECKPOINTS = new TypeReference<>() { };

    @Autowired
    MemoClient client;

    @BeforeAll
    static void start() {
        TestCheckpointService.start();
    }

    @Test
    void aCheckpointOfMoreThanOneKafkaRecordArrivesWholeAndOneLookupFindsEveryEntryBeyondOneRequestsKeys() {
        String workflowName = "large-checkpoint-" + UUID.randomUUID();
        String workflowId = UUID.randomUUID().toString();
        int entries = MemoClient.LOOKUP_KEYS * 2 + 10;
        String bulky = "x".repeat(400); // about 2.5 MiB in all: more than Kafka takes in one record
        List<MemoRecord> records = IntStream.range(0, entries)
                .mapToObj(i -> new MemoRecord("key-" + UUID.randomUUID(), "bulky", workflowName, workflowId, "task-" + i,
                        bulky + i, List.of(), 1_000L))
                .toList();
        String checkpointId = UUID.randomUUID().toString();

        client.store(new MemoStoreBatch(MemoStoreBatch.CURRENT_VERSION, checkpointId, workflowName, workflowId,
                "task_exit", true, records, 1_000L));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(checkpoints(workflowName))
                .singleElement().satisfies(checkpoint -> {
                    assertThat(checkpoint.id()).isEqualTo(checkpointId);
                    assertThat(checkpoint.entryCount()).isEqualTo(entries);
                }));
        List<String> keys = new ArrayList<>(records.stream().map(MemoRecord::cacheKey).toList());
        keys.add("absent-" + UUID.randomUUID());
        List<MemoRecord> found = client.lookup(keys, new ResumeScope(ResumeScope.Kind.ALL, null, List.of())).orElseThrow();
        assertThat(found).hasSize(entries);
        assertThat(found).filteredOn(record -> record.taskId().equals("task-7")).singleElement()
                .satisfies(record -> assertThat(record.result()).isEqualTo(bulky + 7));
    }

    private static List<CheckpointView> checkpoints(String workflowName) {
        return WireCodec.readValue(new LocalHttp(TestCheckpointService.PORT)
                .get("/api/checkpoints?workflowName=" + workflowName).body(), CHECKPOINTS);
    }
}
