package dev.trellis.worker.block;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** A task record's offset is committed only once the block's report about it reached the broker. */
class IntakeOffsetsTest {

    private static final String TOPIC = "trellis.tasks.test";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final IntakeOffsets offsets = new IntakeOffsets(() -> { });

    @Test
    void nothingIsCommittedBeforeTheReportOfATakenRecordIsIn() {
        offsets.taken(record(P0, 10), new CompletableFuture<>());

        assertThat(offsets.toCommit()).isEmpty();
    }

    @Test
    void aReportedRecordIsCommittedPastItself() {
        CompletableFuture<Void> started = new CompletableFuture<>();
        offsets.taken(record(P0, 10), started);

        started.complete(null);

        assertThat(offsets.toCommit()).containsExactly(Map.entry(P0, new OffsetAndMetadata(11)));
    }

    @Test
    void laterReportsArrivingFirstDoNotCommitPastAnEarlierUnreportedRecord() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        CompletableFuture<Void> third = new CompletableFuture<>();
        offsets.taken(record(P0, 10), first);
        offsets.taken(record(P0, 11), second);
        offsets.taken(record(P0, 12), third);

        third.complete(null);
        second.complete(null);
        assertThat(offsets.toCommit()).isEmpty();

        first.complete(null);
        assertThat(offsets.toCommit()).containsExactly(Map.entry(P0, new OffsetAndMetadata(13)));
    }

    @Test
    void aFailedReportHoldsItsPartitionBackButNotTheOthers() {
        offsets.taken(record(P0, 10), CompletableFuture.failedFuture(new IllegalStateException("broker gone")));
        offsets.taken(record(P0, 11), CompletableFuture.completedFuture(null));
        offsets.taken(record(P1, 5), CompletableFuture.completedFuture(null));

        assertThat(offsets.toCommit()).containsExactly(Map.entry(P1, new OffsetAndMetadata(6)));
    }

    @Test
    void aCommitPointIsHandedOutOnceUntilItMovesAgain() {
        offsets.taken(record(P0, 10), CompletableFuture.completedFuture(null));
        assertThat(offsets.toCommit()).hasSize(1);

        assertThat(offsets.toCommit()).isEmpty();

        offsets.taken(record(P0, 11), CompletableFuture.completedFuture(null));
        assertThat(offsets.toCommit()).containsExactly(Map.entry(P0, new OffsetAndMetadata(12)));
    }

    @Test
    void handingPartitionsOverWaitsForReportsInFlightAndCommitsWhatTheyCover() {
        MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(P0, P1));
        CompletableFuture<Void> inFlight = new CompletableFuture<>();
        IntakeOffsets handingOver = new IntakeOffsets(() -> inFlight.complete(null)); // the flush lands the report
        handingOver.taken(record(P0, 10), inFlight);

        handingOver.onPartitionsRevokedBeforeCommit(consumer, List.of(P0));

        assertThat(consumer.committed(Set.of(P0))).containsEntry(P0, new OffsetAndMetadata(11));
        assertThat(handingOver.toCommit()).as("the revoked partition is forgotten").isEmpty();
    }

    private static ConsumerRecord<String, byte[]> record(TopicPartition partition, long offset) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, "key", new byte[0]);
    }
}
