package dev.trellis.checkpoint.memo;

import dev.trellis.checkpoint.MemoApi;
import dev.trellis.checkpoint.RunningCheckpointService;
import dev.trellis.checkpoint.WorkflowRun;
import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.memo.CheckpointView;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreBatch;
import dev.trellis.testsupport.TopicProbe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.trellis.checkpoint.MemoApi.keys;
import static dev.trellis.checkpoint.WorkflowRun.aRunOfANewWorkflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

@RunningCheckpointService
class MemoStoreFromKafkaTest {

    private static final String DEAD_LETTERS = Topics.deadLetter(Topics.MEMO_STORE);

    @Value("${local.server.port}")
    int port;

    MemoApi api;

    @BeforeEach
    void connect() {
        api = new MemoApi(port);
    }

    @Test
    void aBatchSentOnKafkaBecomesFindableByLookupWithItsResultAndOutputs() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoRecord first = run.finishedTask("double-1");
        MemoRecord second = run.finishedTask("double-2");

        api.sendAndAwait(run.uncheckpointed(first, second));

        List<MemoRecord> found = api.lookupEntries(List.of(first.cacheKey(), second.cacheKey(), "absent-" + UUID.randomUUID()), null);
        assertThat(found).extracting(MemoRecord::cacheKey).containsExactlyInAnyOrder(first.cacheKey(), second.cacheKey());
        assertThat(found).filteredOn(entry -> entry.cacheKey().equals(first.cacheKey())).singleElement().satisfies(entry -> {
            assertThat(entry.result()).isEqualTo(Map.of("value", "double-1"));
            assertThat(entry.outputs()).containsExactly(new MemoRecord.OutputDigest("double-1.out", "ab12"));
            assertThat(entry.workflowId()).isEqualTo(run.workflowId());
        });
        assertThat(api.checkpoints(run.workflowName())).as("no checkpoint was asked for").isEmpty();
    }

    @Test
    void theSameBatchDeliveredTwiceCreatesOneCheckpoint() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoStoreBatch batch = run.checkpointAt(1_000, run.finishedTask("a"), run.finishedTask("b"));
        MemoStoreBatch next = run.checkpointAt(2_000, run.finishedTask("c"));

        api.sendAndAwait(batch, batch, next);

        assertThat(api.checkpoints(run.workflowName())).extracting(CheckpointView::id, CheckpointView::entryCount)
                .containsExactly(tuple(next.batchId(), 1), tuple(batch.batchId(), 2));
    }

    @Test
    void aCheckpointSentInSeveralBatchesWithOneIdListsTheEntriesOfEveryBatch() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoStoreBatch firstPart = run.checkpointAt(1_000, run.finishedTask("a"), run.finishedTask("b"));
        MemoStoreBatch secondPart = new MemoStoreBatch(firstPart.version(), firstPart.batchId(), firstPart.workflowName(),
                firstPart.workflowId(), firstPart.mode(), true, List.of(run.finishedTask("c")), firstPart.sentAtMillis());

        api.sendAndAwait(firstPart, secondPart, secondPart);

        assertThat(api.checkpoints(run.workflowName())).extracting(CheckpointView::id, CheckpointView::entryCount)
                .containsExactly(tuple(firstPart.batchId(), 3));
    }

    @Test
    void anUnreadableRecordReachesTheDeadLetterTopicWithTheReasonAndLaterBatchesStillArrive() {
        WorkflowRun run = aRunOfANewWorkflow();
        try (TopicProbe deadLetters = TopicProbe.watch(DEAD_LETTERS)) {
            TopicProbe.send(Topics.MEMO_STORE, run.workflowId(), "{not json".getBytes(StandardCharsets.UTF_8));
            MemoStoreBatch later = run.checkpointAt(1_000, run.finishedTask("after-the-bad-one"));
            api.sendAndAwait(later);

            ConsumerRecord<String, byte[]> dead = deadLetters.await(r -> run.workflowId().equals(r.key()), 1, Duration.ofSeconds(60)).get(0);
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(header(dead, "kafka_dlt-exception-message")).contains("not a valid MemoStoreBatch");
            assertThat(header(dead, "kafka_dlt-original-topic")).isEqualTo(Topics.MEMO_STORE);
        }
    }

    @Test
    void aBatchOfANewerVersionIsDeadLetteredAsUnreadable() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoStoreBatch current = run.checkpointAt(1_000, run.finishedTask("from-the-future"));
        MemoStoreBatch newer = new MemoStoreBatch(MemoStoreBatch.CURRENT_VERSION + 1, current.batchId(), current.workflowName(),
                current.workflowId(), current.mode(), true, current.entries(), current.sentAtMillis());
        try (TopicProbe deadLetters = TopicProbe.watch(DEAD_LETTERS)) {
            MemoApi.send(newer);

            ConsumerRecord<String, byte[]> dead = deadLetters.await(r -> run.workflowId().equals(r.key()), 1, Duration.ofSeconds(60)).get(0);
            assertThat(header(dead, "kafka_dlt-exception-message")).contains("$.version: version 2 is newer than this service reads (1)");
        }
        assertThat(api.lookup(keys(current.entries().toArray(MemoRecord[]::new)), null)).isEmpty();
    }

    @Test
    void aBatchWithIncompleteEntriesIsDeadLetteredNamingEveryBadFieldAndStoresNothing() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoRecord good = run.finishedTask("good");
        MemoRecord noWorkflowId = new MemoRecord("k-" + UUID.randomUUID(), "app", run.workflowName(), "not-a-uuid", "t", 1, List.of(), 1L);
        MemoRecord noApp = new MemoRecord("k-" + UUID.randomUUID(), null, run.workflowName(), run.workflowId(), "t", 1, List.of(), 1L);
        try (TopicProbe deadLetters = TopicProbe.watch(DEAD_LETTERS)) {
            MemoApi.send(run.checkpointAt(1_000, good, noWorkflowId, noApp));

            ConsumerRecord<String, byte[]> dead = deadLetters.await(r -> run.workflowId().equals(r.key()), 1, Duration.ofSeconds(60)).get(0);
            assertThat(header(dead, "kafka_dlt-exception-message"))
                    .contains("$.entries[1].workflowId: not a UUID: 'not-a-uuid'", "$.entries[2].appName: required");
        }
        assertThat(api.lookup(List.of(good.cacheKey()), null)).as("a batch is stored whole or not at all").isEmpty();
        assertThat(api.checkpoints(run.workflowName())).isEmpty();
    }

    @Test
    void aBatchPostgresRefusesIsDeadLetteredAloneAndTheBatchesAroundItAreStored() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoStoreBatch before = run.checkpointAt(1_000, run.finishedTask("before"));
        // jsonb cannot hold the NUL character: only the database finds this batch unstorable.
        MemoStoreBatch refused = run.checkpointAt(2_000, withResult(run.finishedTask("nul"), "a\u0000b", 2_000));
        MemoStoreBatch after = run.checkpointAt(3_000, run.finishedTask("after"));
        try (TopicProbe deadLetters = TopicProbe.watch(DEAD_LETTERS)) {
            MemoApi.sendTogether(List.of(MemoApi.record(before), MemoApi.record(refused), MemoApi.record(after)));

            ConsumerRecord<String, byte[]> dead = deadLetters.await(r -> run.workflowId().equals(r.key()), 1, Duration.ofSeconds(60)).get(0);
            assertThat(WireCodec.read(dead.value(), MemoStoreBatch.class).batchId()).isEqualTo(refused.batchId());
            assertThat(header(dead, "kafka_dlt-exception-message")).contains("could not store memo batch");
        }
        api.awaitStored(after);
        assertThat(api.checkpoints(run.workflowName())).extracting(CheckpointView::id).containsExactly(after.batchId(), before.batchId());
    }

    @Test
    void aKeyStoredAgainIsReplacedByANewerResultButNeverByAnOlderOne() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoRecord first = run.finishedTask("t", "slow_double", 1_000);
        MemoRecord newer = withResult(first, "newer", 2_000);
        MemoRecord newest = withResult(first, "newest", 3_000);
        MemoRecord late = withResult(first, "late", 2_500);

        api.store(first);
        api.store(newer);
        api.store(newest);
        api.store(late);

        assertThat(api.lookupEntries(List.of(first.cacheKey()), null)).singleElement()
                .satisfies(entry -> assertThat(entry.result()).isEqualTo("newest"));
    }

    @Test
    void anEntryWithoutResultIsStoredAndFoundWithANullResult() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoRecord noResult = withResult(run.finishedTask("t"), null, 1_000);

        api.store(noResult);

        assertThat(api.lookupEntries(List.of(noResult.cacheKey()), null)).singleElement()
                .satisfies(entry -> assertThat(entry.result()).isNull());
    }

    private static MemoRecord withResult(MemoRecord entry, Object result, long createdAtMillis) {
        return new MemoRecord(entry.cacheKey(), entry.appName(), entry.workflowName(), entry.workflowId(), entry.taskId(),
                result, entry.outputs(), createdAtMillis);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
