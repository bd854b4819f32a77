package dev.trellis.scheduler.memo;

import dev.trellis.engine.memo.CacheKey;
import dev.trellis.engine.plan.PlannedTask;
import dev.trellis.engine.run.WorkflowRun;
import dev.trellis.protocol.memo.MemoLookupRequest.ResumeScope;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreBatch;
import dev.trellis.protocol.spec.CheckpointMode;
import dev.trellis.protocol.spec.CheckpointSettings;
import dev.trellis.scheduler.SchedulerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Parsl's app cache, done better: decides for ready cacheable tasks whether to take a result
 * from this run, wait for an identical task already running, take one from a checkpoint (after
 * checking its output files are still there and unchanged), or run; records results as tasks
 * succeed; and writes checkpoints as the workflow's mode says.
 */
@Component
public class Memoizer {

    private static final Logger log = LoggerFactory.getLogger(Memoizer.class);

    private final Path dataRoot;
    private final MemoClient client;
    private final MemoMetrics metrics;

    Memoizer(SchedulerProperties properties, MemoClient client, MemoMetrics metrics) {
        this.dataRoot = properties.dataRoot().toAbsolutePath().normalize();
        this.client = client;
        this.metrics = metrics;
    }

    /** What to do with a ready cacheable task. */
    public sealed interface Decision {
        /** Take this result instead of running. */
        record Cached(Object result) implements Decision {
        }

        /** An identical task is running; this one gets its result when it ends. */
        record Follow(String leader) implements Decision {
        }

        /** Run it. */
        record Run() implements Decision {
        }
    }

    /** Decides for a batch of ready tasks with at most one checkpoint-service round trip. */
    public Map<String, Decision> decide(WorkflowMemo memo, UUID workflowId, String workflowName, WorkflowRun run,
                                        List<String> taskIds, Instant now) {
        Path area = dataRoot.resolve(workflowId.toString());
        Map<String, Decision> decisions = new LinkedHashMap<>();
        List<String> askCheckpoints = new ArrayList<>();
        for (String taskId : taskIds) {
            Optional<String> key = keyOf(run, taskId, area);
            if (key.isEmpty()) {
                decisions.put(taskId, new Decision.Run()); // an input is missing: the task will say why
                continue;
            }
            memo.keyOfTask.put(taskId, key.get());
            if (memo.settings.refresh()) {
                decisions.put(taskId, lead(memo, key.get(), taskId));
                continue;
            }
            MemoRecord local = memo.byKey.get(key.get());
            if (local != null && outputsInPlace(local, workflowId, area)) {
                metrics.counted(MemoMetrics.Outcome.HIT);
                decisions.put(taskId, new Decision.Cached(local.result()));
            } else if (isLedByAnother(memo, key.get(), taskId)) {
                decisions.put(taskId, follow(memo, key.get(), taskId));
            } else {
                askCheckpoints.add(taskId);
            }
        }
        Map<String, MemoRecord> stored = lookup(memo, workflowId, workflowName, askCheckpoints);
        for (String taskId : askCheckpoints) {
            String key = memo.keyOfTask.get(taskId);
            MemoRecord record = stored.get(key);
            if (record != null && outputsInPlace(record, workflowId, area)) {
                metrics.counted(MemoMetrics.Outcome.HIT);
                // Now this run's result too (its outputs were copied here): its checkpoints list it,
                // so a later run resuming from this one finds it.
                MemoRecord reused = new MemoRecord(key, record.appName(), workflowName, workflowId.toString(), taskId,
                        record.result(), record.outputs(), now.toEpochMilli());
                memo.byKey.put(key, reused);
                if (memo.settings.mode() != CheckpointMode.NONE) {
                    memo.pending.add(reused);
                }
                decisions.put(taskId, new Decision.Cached(record.result()));
            } else if (isLedByAnother(memo, key, taskId)) {
                decisions.put(taskId, follow(memo, key, taskId)); // an identical task earlier in this batch runs
            } else {
                metrics.counted(record == null ? MemoMetrics.Outcome.MISS : MemoMetrics.Outcome.STALE);
                if (record != null) {
                    log.info("cached result of {} is stale (its output files are gone or changed); it runs again", taskId);
                }
                decisions.put(taskId, lead(memo, key, taskId));
            }
        }
        if (memo.settings.mode() == CheckpointMode.TASK_EXIT) {
            checkpoint(memo, workflowId, workflowName, now);
        }
        return decisions;
    }

    /**
     * Records a cacheable task's result with its outputs' digests and returns the tasks that
     * waited for it, which take the same result. Checkpoints at once in task_exit mode.
     */
    public List<String> succeeded(WorkflowMemo memo, UUID workflowId, String workflowName, WorkflowRun run,
                                  String taskId, Object result, Instant now) {
        String key = memo.keyOfTask.remove(taskId);
        if (key == null) {
            return List.of();
        }
        memo.leaderOfKey.remove(key, taskId);
        List<String> followers = memo.followersOfLeader.getOrDefault(taskId, List.of());
        memo.followersOfLeader.remove(taskId);
        followers.forEach(memo.keyOfTask::remove);
        Path area = dataRoot.resolve(workflowId.toString());
        PlannedTask task = run.plannedTask(taskId);
        List<MemoRecord.OutputDigest> outputs = new ArrayList<>();
        for (String output : task.outputs()) {
            Optional<String> digest = FileDigests.sha256(area.resolve(output));
            if (digest.isEmpty()) {
                return followers; // an output vanished already: nothing trustworthy to cache
            }
            outputs.add(new MemoRecord.OutputDigest(output, digest.get()));
        }
        MemoRecord record = new MemoRecord(key, task.appName(), workflowName, workflowId.toString(), taskId, result,
                outputs, now.toEpochMilli());
        memo.byKey.put(key, record);
        if (memo.settings.mode() != CheckpointMode.NONE) {
            memo.pending.add(record);
        }
        if (memo.settings.mode() == CheckpointMode.TASK_EXIT) {
            checkpoint(memo, workflowId, workflowName, now);
        }
        return followers;
    }

    /**
     * The task that computed a key ended without a result (failed, cancelled). The first task
     * waiting for it takes over and runs; the others now wait for that one.
     */
    public Optional<String> leaderGone(WorkflowMemo memo, String taskId) {
        String key = memo.keyOfTask.remove(taskId);
        List<String> followers = memo.followersOfLeader.remove(taskId);
        if (key != null) {
            memo.leaderOfKey.remove(key, taskId);
        }
        if (key == null || followers == null || followers.isEmpty()) {
            return Optional.empty();
        }
        String next = followers.get(0);
        memo.leaderOfKey.put(key, next);
        if (followers.size() > 1) {
            memo.followersOfLeader.put(next, new ArrayList<>(followers.subList(1, followers.size())));
        }
        return Optional.of(next);
    }

    /** Writes a checkpoint of the results gathered since the last one; returns its id, if there was anything. */
    public Optional<String> checkpoint(WorkflowMemo memo, UUID workflowId, String workflowName, Instant now) {
        memo.lastCheckpoint = now;
        if (memo.pending.isEmpty()) {
            return Optional.empty();
        }
        String id = UUID.randomUUID().toString();
        client.store(new MemoStoreBatch(MemoStoreBatch.CURRENT_VERSION, id, workflowName, workflowId.toString(),
                memo.settings.mode().wireName(), true, List.copyOf(memo.pending), now.toEpochMilli()));
        log.info("workflow {} checkpoint {}: {} results", workflowId, id, memo.pending.size());
        memo.pending.clear();
        return Optional.of(id);
    }

    /** Periodic mode: checkpoints when the period has passed. */
    public void tick(WorkflowMemo memo, UUID workflowId, String workflowName, Instant now) {
        if (memo.settings.mode() == CheckpointMode.PERIODIC
                && !now.isBefore(memo.lastCheckpoint.plus(Duration.ofSeconds(memo.settings.periodSeconds())))) {
            checkpoint(memo, workflowId, workflowName, now);
        }
    }

    /** The workflow finished: every mode but manual checkpoints what is left. */
    public void finished(WorkflowMemo memo, UUID workflowId, String workflowName, Instant now) {
        if (memo.settings.mode() != CheckpointMode.MANUAL) {
            checkpoint(memo, workflowId, workflowName, now);
        }
    }

    private Optional<String> keyOf(WorkflowRun run, String taskId, Path area) {
        List<String> inputDigests = new ArrayList<>();
        for (String input : run.resolvedInputs(taskId)) {
            Optional<String> digest = FileDigests.sha256(area.resolve(input));
            if (digest.isEmpty()) {
                return Optional.empty();
            }
            inputDigests.add(digest.get());
        }
        return Optional.of(CacheKey.of(run.plannedTask(taskId), run.resolvedArgs(taskId), inputDigests));
    }

    private Map<String, MemoRecord> lookup(WorkflowMemo memo, UUID workflowId, String workflowName, List<String> taskIds) {
        Optional<ResumeScope> scope = scope(memo.settings, workflowId, workflowName);
        if (taskIds.isEmpty() || scope.isEmpty()) {
            return Map.of();
        }
        List<String> keys = taskIds.stream().map(memo.keyOfTask::get).distinct().toList();
        return client.lookup(keys, scope.get()).orElse(List.of()).stream()
                .collect(Collectors.toMap(MemoRecord::cacheKey, Function.identity(), (a, b) -> a));
    }

    /** Which stored results this run may use; none when it resumes from no checkpoint. */
    static Optional<ResumeScope> scope(CheckpointSettings settings, UUID workflowId, String workflowName) {
        List<String> from = settings.resumeFrom();
        if (from.isEmpty()) {
            return Optional.empty();
        }
        if (from.contains(CheckpointSettings.ALL)) {
            return Optional.of(new ResumeScope(ResumeScope.Kind.ALL, null, List.of()));
        }
        if (from.contains(CheckpointSettings.LATEST)) {
            return Optional.of(new ResumeScope(ResumeScope.Kind.LATEST, workflowName, List.of(), workflowId.toString()));
        }
        return Optional.of(new ResumeScope(ResumeScope.Kind.IDS, null, from));
    }

    /**
     * A stored result is usable only if every output it recorded is in this workflow's data area
     * with the recorded digest; outputs of an earlier run are copied over after their digest checks.
     */
    private boolean outputsInPlace(MemoRecord record, UUID workflowId, Path area) {
        Path producedIn = dataRoot.resolve(record.workflowId());
        for (MemoRecord.OutputDigest output : record.outputs()) {
            Path target = area.resolve(output.path());
            if (FileDigests.sha256(target).filter(output.sha256()::equals).isPresent()) {
                continue;
            }
            Path source = producedIn.resolve(output.path());
            if (record.workflowId().equals(workflowId.toString())
                    || FileDigests.sha256(source).filter(output.sha256()::equals).isEmpty()) {
                return false;
            }
            try {
                Files.createDirectories(target.getParent());
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("could not copy cached output " + source + " to " + target, e);
            }
        }
        return true;
    }

    private static boolean isLedByAnother(WorkflowMemo memo, String key, String taskId) {
        String leader = memo.leaderOfKey.get(key);
        return leader != null && !leader.equals(taskId);
    }

    private Decision lead(WorkflowMemo memo, String key, String taskId) {
        memo.leaderOfKey.put(key, taskId);
        return new Decision.Run();
    }

    private Decision follow(WorkflowMemo memo, String key, String taskId) {
        String leader = memo.leaderOfKey.get(key);
        memo.followersOfLeader.computeIfAbsent(leader, k -> new ArrayList<>()).add(taskId);
        metrics.counted(MemoMetrics.Outcome.SHARED);
        return new Decision.Follow(leader);
    }
}
