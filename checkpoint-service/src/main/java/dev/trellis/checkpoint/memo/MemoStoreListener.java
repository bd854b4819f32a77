package dev.trellis.checkpoint.memo;

import dev.trellis.checkpoint.CheckpointProperties;
import dev.trellis.protocol.Topics;
import dev.trellis.protocol.UnreadableMessageException;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.memo.MemoStoreBatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Consumes the store batches the scheduler sends on {@code trellis.memo.store}. While this service
 * is down they wait in Kafka, so no result is lost. Consecutive batches of one poll are written in
 * one transaction up to {@code max-batch-size} entries (in task_exit mode each batch holds a
 * single entry, and a commit per entry would bound throughput). Each batch is all or nothing.
 * <p>
 * A failure names the batch that caused it, so the shared error handler keeps the batches
 * before it, retries that one, and dead-letters it to {@code trellis.memo.store-dlt} with the
 * reason: at once when unreadable, after the retries when the database refuses it.
 */
@Component
class MemoStoreListener {

    private static final Logger log = LoggerFactory.getLogger(MemoStoreListener.class);

    private final MemoService memo;
    private final CheckpointProperties properties;
    private final Clock clock;

    MemoStoreListener(MemoService memo, CheckpointProperties properties, Clock clock) {
        this.memo = memo;
        this.properties = properties;
        this.clock = clock;
    }

    @KafkaListener(id = "trellis-memo-store", topics = Topics.MEMO_STORE, batch = "true",
            groupId = "${trellis.checkpoint.consumer-group:trellis-checkpoint}")
    void onBatches(List<ConsumerRecord<String, byte[]>> records) {
        List<MemoWrite> writes = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            try {
                writes.add(read(records.get(i).value()));
            } catch (UnreadableMessageException e) {
                store(writes);
                throw new BatchListenerFailedException(e.getMessage(), e, i);
            }
        }
        store(writes);
    }

    private MemoWrite read(byte[] value) {
        MemoStoreBatch batch = WireCodec.read(value, MemoStoreBatch.class);
        try {
            return MemoWrite.of(batch, clock.instant());
        } catch (InvalidMemoRequestException e) {
            throw new UnreadableMessageException(e.getMessage(), e);
        }
    }

    /** Writes in groups of consecutive batches; the index of a write is the index of its record. */
    private void store(List<MemoWrite> writes) {
        int start = 0;
        while (start < writes.size()) {
            int end = groupEnd(writes, start);
            storeGroup(writes, start, end);
            start = end;
        }
    }

    /** A group holds at most max-batch-size entries, or one batch however large. */
    private int groupEnd(List<MemoWrite> writes, int start) {
        int entries = writes.get(start).entries().size();
        int end = start + 1;
        while (end < writes.size() && entries + writes.get(end).entries().size() <= properties.maxBatchSize()) {
            entries += writes.get(end).entries().size();
            end++;
        }
        return end;
    }

    private void storeGroup(List<MemoWrite> writes, int start, int end) {
        try {
            memo.store(writes.subList(start, end));
        } catch (RuntimeException groupFailed) {
            if (end - start == 1) {
                throw failed(start, groupFailed);
            }
            // Find the batch that fails, so that it alone is retried and dead-lettered.
            log.warn("storing {} memo batches together failed ({}); storing them one by one", end - start, groupFailed.toString());
            for (int i = start; i < end; i++) {
                try {
                    memo.store(List.of(writes.get(i)));
                } catch (RuntimeException e) {
                    throw failed(i, e);
                }
            }
        }
    }

    private static BatchListenerFailedException failed(int index, RuntimeException cause) {
        return new BatchListenerFailedException("could not store memo batch: " + cause.getMessage(), cause, index);
    }
}
