package dev.trellis.checkpoint.memo;

import dev.trellis.checkpoint.CheckpointProperties;
import dev.trellis.checkpoint.checkpoint.Checkpoints;
import dev.trellis.checkpoint.checkpoint.NewCheckpoint;
import dev.trellis.protocol.memo.MemoLookupRequest;
import dev.trellis.protocol.memo.MemoLookupRequest.ResumeScope;
import dev.trellis.protocol.memo.MemoRecord;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/** Looks up, stores and invalidates memoized results, in batches. */
@Service
class MemoService {

    private final MemoEntryRepository entries;
    private final MemoLookups lookups;
    private final Checkpoints checkpoints;
    private final MemoMetrics metrics;
    private final CheckpointProperties properties;
    private final TransactionTemplate transaction;

    MemoService(MemoEntryRepository entries, MemoLookups lookups, Checkpoints checkpoints, MemoMetrics metrics, CheckpointProperties properties,
                PlatformTransactionManager transactions) {
        this.entries = entries;
        this.lookups = lookups;
        this.checkpoints = checkpoints;
        this.metrics = metrics;
        this.properties = properties;
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * The stored entries for the keys that the scope allows: one SQL statement for the whole batch.
     *
     * @throws BatchTooLargeException      over {@code trellis.checkpoint.max-batch-size} keys
     * @throws InvalidMemoRequestException for a scope that names no workflow (LATEST) or a malformed checkpoint id (IDS)
     */
    List<FoundEntry> lookup(MemoLookupRequest request) {
        requireBatchSize(request.keys().size());
        ResumeScope scope = request.scope();
        ResumeScope.Kind kind = scope == null ? ResumeScope.Kind.ALL : scope.kind();
        UUID[] checkpointIds = validScope(scope);
        String[] keys = request.keys().stream().filter(Objects::nonNull).distinct().toArray(String[]::new);
        if (keys.length == 0) {
            return List.of();
        }
        List<FoundEntry> found = metrics.timeLookup(kind, () -> switch (kind) {
            case ALL -> lookups.byKeys(keys);
            case IDS -> lookups.byKeysInCheckpoints(keys, checkpointIds);
            case LATEST -> lookups.byKeysInLatestRun(keys, scope.workflowName(),
                    scope.excludeWorkflowId() == null ? "" : scope.excludeWorkflowId());
        });
        metrics.lookedUp(keys.length, found.size());
        return found;
    }

    /** @return the checkpoint ids of an IDS scope, empty for the others */
    private static UUID[] validScope(ResumeScope scope) {
        FieldErrors errors = new FieldErrors();
        List<UUID> ids = new ArrayList<>();
        if (scope != null) {
            if (scope.kind() == null) {
                errors.add("$.scope.kind", "required: LATEST, ALL or IDS");
            } else if (scope.kind() == ResumeScope.Kind.LATEST) {
                errors.requireText(scope.workflowName(), "$.scope.workflowName");
            } else if (scope.kind() == ResumeScope.Kind.IDS) {
                for (int i = 0; i < scope.checkpointIds().size(); i++) {
                    ids.add(errors.uuid(scope.checkpointIds().get(i), "$.scope.checkpointIds[" + i + "]"));
                }
            }
        }
        errors.throwIfAny("invalid lookup scope");
        return ids.toArray(UUID[]::new);
    }

    /**
     * Stores entries sent over REST; they join no checkpoint.
     *
     * @throws BatchTooLargeException      over {@code trellis.checkpoint.max-batch-size} entries
     * @throws InvalidMemoRequestException naming every incomplete entry; nothing is stored then
     */
    void storeEntries(List<MemoRecord> records) {
        requireBatchSize(records.size());
        store(List.of(MemoWrite.of(records)));
    }

    /**
     * Stores the writes in one transaction, then counts what changed. Entries first, then the
     * checkpoints, whose links need the entries' rows. Of two entries with one key the newer wins,
     * as between a new entry and a stored one. Entries are written in key order, so two
     * transactions storing the same keys lock them in the same order and cannot deadlock.
     */
    void store(List<MemoWrite> writes) {
        Map<String, MemoEntry> byKey = new TreeMap<>();
        List<NewCheckpoint> newCheckpoints = new ArrayList<>();
        for (MemoWrite write : writes) {
            write.entries().forEach(entry -> byKey.merge(entry.cacheKey(), entry, (stored, next) -> next.isNewerThan(stored) ? next : stored));
            if (write.checkpoint() != null) {
                newCheckpoints.add(write.checkpoint());
            }
        }
        StoreOutcome outcome = transaction.execute(status ->
                new StoreOutcome(entries.upsertAll(byKey.values()), checkpoints.record(newCheckpoints)));
        metrics.stored(outcome.entries(), outcome.createdCheckpoints());
    }

    private record StoreOutcome(int entries, List<NewCheckpoint> createdCheckpoints) {
    }

    @Transactional(readOnly = true)
    List<MemoRecord> listByApp(String appName) {
        return entries.findByAppNameOrderByCreatedAtDesc(appName).stream().map(MemoEntry::toRecord).toList();
    }

    /** @throws MemoEntryNotFoundException when no entry has the key */
    @Transactional
    void invalidate(String key) {
        if (entries.deleteByKey(key) == 0) {
            throw new MemoEntryNotFoundException(key);
        }
    }

    @Transactional
    int invalidateApp(String appName) {
        return entries.deleteByAppName(appName);
    }

    @Transactional
    int invalidateWorkflow(String workflowName) {
        return entries.deleteByWorkflowName(workflowName);
    }

    private void requireBatchSize(int size) {
        if (size > properties.maxBatchSize()) {
            throw new BatchTooLargeException(size, properties.maxBatchSize());
        }
    }
}
