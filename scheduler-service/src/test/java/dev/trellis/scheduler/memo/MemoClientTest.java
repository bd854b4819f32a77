package dev.trellis.scheduler.memo;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.memo.CheckpointView;
import dev.trellis.protocol.memo.MemoLookupRequest.ResumeScope;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreBatch;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.SchedulerProperties;
import dev.trellis.scheduler.TestCheckpointService;
import dev.trellis.testsupport.LocalHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;
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

    @Autowired
    SchedulerProperties properties;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    MemoMetrics metrics;

    @BeforeAll
    static void start() {
        TestCheckpointService.start();
    }

    @Test
    void aCheckpointOfMoreThanOneKafkaRecordArrivesWholeAsOneCheckpoint() {
        String bulky = "x".repeat(400); // about 2 MiB in all: more than Kafka takes in one record
        MemoStoreBatch checkpoint = aCheckpoint(5_000, bulky);

        client.store(checkpoint);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(checkpoints(checkpoint.workflowName()))
                .singleElement().satisfies(stored -> {
                    assertThat(stored.id()).isEqualTo(checkpoint.batchId());
                    assertThat(stored.entryCount()).isEqualTo(5_000);
                }));
    }

    @Test
    void closingTheClientSendsTheCheckpointsHandedToItBeforeItReturns() throws InterruptedException {
        List<MemoStoreBatch> handed = IntStream.range(0, 5).mapToObj(i -> aCheckpoint(2_000, "x".repeat(200))).toList();
        MemoClient closing = new MemoClient(properties, kafka, metrics);

        handed.forEach(closing::store);
        closing.close();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(handed)
                .allSatisfy(checkpoint -> assertThat(checkpoints(checkpoint.workflowName())).singleElement()
                        .satisfies(stored -> assertThat(stored.entryCount()).isEqualTo(2_000))));
    }

    @Test
    void aLookupOfMoreKeysThanOneRequestCarriesFindsEveryStoredEntry() {
        MemoStoreBatch checkpoint = aCheckpoint(MemoClient.LOOKUP_KEYS + 10, "small");
        client.store(checkpoint);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(checkpoints(checkpoint.workflowName()))
                .singleElement().satisfies(stored -> assertThat(stored.entryCount()).isEqualTo(checkpoint.entries().size())));
        List<String> keys = new ArrayList<>(checkpoint.entries().stream().map(MemoRecord::cacheKey).toList());
        keys.add("absent-" + UUID.randomUUID());

        List<MemoRecord> found = client.lookup(keys, new ResumeScope(ResumeScope.Kind.ALL, null, List.of())).orElseThrow();

        assertThat(found).hasSize(checkpoint.entries().size());
        assertThat(found).filteredOn(record -> record.taskId().equals("task-7")).singleElement()
                .satisfies(record -> assertThat(record.result()).isEqualTo("small7"));
    }

    private static MemoStoreBatch aCheckpoint(int entries, String resultPrefix) {
        String workflowName = "large-checkpoint-" + UUID.randomUUID();
        String workflowId = UUID.randomUUID().toString();
        List<MemoRecord> records = IntStream.range(0, entries)
                .mapToObj(i -> new MemoRecord("key-" + UUID.randomUUID(), "bulky", workflowName, workflowId, "task-" + i,
                        resultPrefix + i, List.of(), 1_000L))
                .toList();
        return new MemoStoreBatch(MemoStoreBatch.CURRENT_VERSION, UUID.randomUUID().toString(), workflowName, workflowId,
                "task_exit", true, records, 1_000L);
    }

    private static List<CheckpointView> checkpoints(String workflowName) {
        return WireCodec.readValue(new LocalHttp(TestCheckpointService.PORT)
                .get("/api/checkpoints?workflowName=" + workflowName).body(), CHECKPOINTS);
    }
}
