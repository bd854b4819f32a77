package dev.trellis.checkpoint.memo;

import dev.trellis.checkpoint.CheckpointProperties;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.memo.MemoRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Looks up, stores and invalidates memoized results, in batches. */
@Service
class MemoService {

    private static final TypeReference<List<MemoRecord.OutputDigest>> OUTPUTS = new TypeReference<>() { };

    private final MemoEntryRepository entries;
    private final CheckpointProperties properties;
    private final Counter hits;
    private final Counter misses;

    MemoService(MemoEntryRepository entries, CheckpointProperties properties, MeterRegistry meters) {
        this.entries = entries;
        this.properties = properties;
        this.hits = Counter.builder("trellis.memo.lookups").tag("outcome", "hit").description("Memo keys looked up").register(meters);
        this.misses = Counter.builder("trellis.memo.lookups").tag("outcome", "miss").description("Memo keys looked up").register(meters);
        meters.gauge("trellis.memo.entries", entries, MemoEntryRepository::count);
    }

    @Transactional(readOnly = true)
    public List<MemoRecord> lookup(List<String> keys) {
        requireBatchSize(keys.size());
        List<MemoRecord> found = entries.findAllById(keys).stream().map(MemoService::toRecord).toList();
        hits.increment(found.size());
        misses.increment(keys.size() - found.size());
        return found;
    }

    @Transactional
    public void store(List<MemoRecord> records) {
        requireBatchSize(records.size());
        entries.saveAll(records.stream().map(MemoService::toEntry).toList());
    }

    @Transactional(readOnly = true)
    public List<MemoRecord> listByApp(String appName) {
        return entries.findByAppNameOrderByCreatedAtDesc(appName).stream().map(MemoService::toRecord).toList();
    }

    @Transactional
    public boolean invalidate(String key) {
        if (!entries.existsById(key)) {
            return false;
        }
        entries.deleteById(key);
        return true;
    }

    @Transactional
    public int invalidateApp(String appName) {
        return entries.deleteByAppName(appName);
    }

    private void requireBatchSize(int size) {
        if (size > properties.maxBatchSize()) {
            throw new BatchTooLargeException(size, properties.maxBatchSize());
        }
    }

    private static MemoRecord toRecord(MemoEntry entry) {
        return new MemoRecord(entry.cacheKey(), entry.appName(), entry.workflowName(), entry.workflowId().toString(),
                entry.taskId(), entry.resultJson() == null ? null : WireCodec.readValue(entry.resultJson(), Object.class),
                WireCodec.readValue(entry.outputsJson(), OUTPUTS), entry.createdAt().toEpochMilli());
    }

    private static MemoEntry toEntry(MemoRecord record) {
        return new MemoEntry(record.cacheKey(), record.appName(), record.workflowName(), UUID.fromString(record.workflowId()),
                record.taskId(), WireCodec.writeString(record.result()), WireCodec.writeString(record.outputs()),
                Instant.ofEpochMilli(record.createdAtMillis()));
    }
}
