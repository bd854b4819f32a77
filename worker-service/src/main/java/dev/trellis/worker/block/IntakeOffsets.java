package dev.trellis.worker.block;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The task records this block took, and how far each partition may be committed. A record counts
 * only once the report saying the block took it (STARTED, or FAILED for a task skipped as
 * cancelled) reached the broker: a block killed before that leaves the task in Kafka for another
 * block, and one killed after it has told the scheduler, whose lost-block detection runs the
 * attempt again. Reports complete in any order, so a partition's commit point is its oldest record
 * still unreported, else the one after its last taken record.
 *
 * <p>Commits happen on the consumer thread (the intake's listener, its idle events, and the hand-over
 * of partitions to other blocks, for which the reports in flight are first waited for).
 */
final class IntakeOffsets implements ConsumerAwareRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(IntakeOffsets.class);

    /** How often, at most, the intake commits while tasks flow; a crash runs at most this much again. */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

    private final Runnable flushReports;
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    /** Consumer thread only. */
    private long lastCommitNanos = System.nanoTime() - COMMIT_INTERVAL.toNanos();

    /** @param flushReports waits until every report sent so far reached the broker */
    IntakeOffsets(Runnable flushReports) {
        this.flushReports = flushReports;
    }

    /** Notes a taken record; it counts once {@code reported} completes normally. */
    void taken(ConsumerRecord<?, ?> record, CompletableFuture<?> reported) {
        Partition partition;
        synchronized (this) {
            partition = partitions.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
                    p -> new Partition(record.offset()));
            partition.taken(record.offset());
        }
        reported.thenRun(() -> reported(partition, record.offset()));
    }

    private synchronized void reported(Partition partition, long offset) {
        partition.unreported.remove(offset);
    }

    /** The commit points that moved since the last call. */
    synchronized Map<TopicPartition, OffsetAndMetadata> toCommit() {
        Map<TopicPartition, OffsetAndMetadata> moved = new HashMap<>();
        partitions.forEach((topicPartition, partition) -> {
            long point = partition.unreported.isEmpty() ? partition.next : partition.unreported.first();
            if (point > partition.committed) {
                partition.committed = point;
                moved.put(topicPartition, new OffsetAndMetadata(point));
            }
        });
        return moved;
    }

    /**
     * Commits, without waiting, the commit points that moved, at most once per {@link #COMMIT_INTERVAL}:
     * a commit per poll would cost the broker a request per few tasks. Call on the consumer thread.
     */
    void commit(Consumer<?, ?> consumer) {
        long now = System.nanoTime();
        if (now - lastCommitNanos < COMMIT_INTERVAL.toNanos()) {
            return;
        }
        lastCommitNanos = now;
        Map<TopicPartition, OffsetAndMetadata> moved = toCommit();
        if (!moved.isEmpty()) {
            consumer.commitAsync(moved, (committed, error) -> {
                if (error != null) {
                    // A later commit covers these offsets; until then a crash only runs their tasks again.
                    log.debug("task offsets {} not committed: {}", committed, error.toString());
                }
            });
        }
    }

    /** The partitions go to other blocks: what this block took is reported and committed first. */
    @Override
    public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> revoked) {
        flushReports.run();
        Map<TopicPartition, OffsetAndMetadata> moved = toCommit();
        try {
            if (!moved.isEmpty()) {
                consumer.commitSync(moved);
            }
        } catch (RuntimeException e) {
            log.warn("task offsets {} not committed on hand-over; their tasks may run again: {}", moved, e.toString());
        }
        forget(revoked);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> lost) {
        forget(lost);
    }

    /** What the partitions deliver again, here or elsewhere, is taken afresh. */
    private synchronized void forget(Collection<TopicPartition> gone) {
        gone.forEach(partitions::remove);
    }

    private static final class Partition {
        final NavigableSet<Long> unreported = new TreeSet<>();
        long next;
        long committed;

        /** The first record taken is where the consumer started: nothing before it is this block's to commit. */
        Partition(long firstTaken) {
            this.next = firstTaken;
            this.committed = firstTaken;
        }

        void taken(long offset) {
            unreported.add(offset);
            next = Math.max(next, offset + 1);
        }
    }
}
