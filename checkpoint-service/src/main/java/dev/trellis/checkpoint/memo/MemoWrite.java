package dev.trellis.checkpoint.memo;

import dev.trellis.checkpoint.checkpoint.NewCheckpoint;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreBatch;
import dev.trellis.protocol.spec.CheckpointMode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Validated entries to store together, and the checkpoint they make when the sender asked for one.
 *
 * @param checkpoint null when the entries are stored without a checkpoint
 */
record MemoWrite(List<MemoEntry> entries, NewCheckpoint checkpoint) {

    /** Entries stored over REST: no checkpoint. @throws InvalidMemoRequestException naming every bad field */
    static MemoWrite of(List<MemoRecord> records) {
        FieldErrors errors = new FieldErrors();
        List<MemoEntry> entries = entries(records, errors);
        errors.throwIfAny("invalid memo entries");
        return new MemoWrite(entries, null);
    }

    /**
     * A store batch from Kafka. Its checkpoint is dated by the sender's clock, so the order of a
     * workflow's runs does not depend on when this service caught up with the topic.
     *
     * @param receivedAt the date of a checkpoint whose batch carries no {@code sentAtMillis}
     * @throws InvalidMemoRequestException naming every bad field
     */
    static MemoWrite of(MemoStoreBatch batch, Instant receivedAt) {
        FieldErrors errors = new FieldErrors();
        if (batch.version() > MemoStoreBatch.CURRENT_VERSION) {
            errors.add("$.version", "version " + batch.version() + " is newer than this service reads ("
                    + MemoStoreBatch.CURRENT_VERSION + ")");
            errors.throwIfAny("unreadable memo store batch");
        }
        List<MemoEntry> entries = entries(batch.entries(), errors);
        NewCheckpoint checkpoint = batch.checkpoint() ? checkpoint(batch, entries, receivedAt, errors) : null;
        errors.throwIfAny("invalid memo store batch");
        return new MemoWrite(entries, checkpoint);
    }

    private static List<MemoEntry> entries(List<MemoRecord> records, FieldErrors errors) {
        List<MemoEntry> entries = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            String path = "$.entries[" + i + "]";
            if (records.get(i) == null) {
                errors.add(path, "required");
            } else {
                entries.add(MemoEntry.from(records.get(i), path, errors));
            }
        }
        return entries;
    }

    private static NewCheckpoint checkpoint(MemoStoreBatch batch, List<MemoEntry> entries, Instant receivedAt, FieldErrors errors) {
        UUID id = errors.uuid(batch.batchId(), "$.batchId");
        errors.requireText(batch.workflowName(), "$.workflowName");
        UUID workflowId = errors.uuid(batch.workflowId(), "$.workflowId");
        String mode = checkpointMode(batch.mode(), errors);
        if (errors.count() > 0) {
            return null;
        }
        Set<String> keys = new LinkedHashSet<>();
        entries.forEach(entry -> keys.add(entry.cacheKey()));
        Instant createdAt = batch.sentAtMillis() > 0 ? Instant.ofEpochMilli(batch.sentAtMillis()) : receivedAt;
        return new NewCheckpoint(id, batch.workflowName(), workflowId, mode, createdAt, keys);
    }

    private static String checkpointMode(String mode, FieldErrors errors) {
        try {
            CheckpointMode parsed = CheckpointMode.fromWire(mode);
            if (parsed == CheckpointMode.NONE) {
                errors.add("$.mode", "a checkpoint cannot have mode 'none'");
            }
            return parsed.wireName();
        } catch (IllegalArgumentException e) {
            errors.add("$.mode", e.getMessage());
            return null;
        }
    }
}
