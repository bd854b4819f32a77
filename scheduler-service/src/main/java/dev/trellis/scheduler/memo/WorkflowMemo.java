package dev.trellis.scheduler.memo;

import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.spec.CheckpointSettings;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one workflow run knows about its cacheable tasks: results produced in this run, which task
 * is computing each key right now and who waits for it, and results not yet checkpointed.
 * Guarded by the workflow's monitor, like the rest of its state.
 */
public final class WorkflowMemo {

    final CheckpointSettings settings;
    final Map<String, MemoRecord> byKey = new HashMap<>();
    final Map<String, String> keyOfTask = new HashMap<>();
    final Map<String, String> leaderOfKey = new HashMap<>();
    final Map<String, List<String>> followersOfLeader = new HashMap<>();
    final List<MemoRecord> pending = new ArrayList<>();
    Instant lastCheckpoint;

    public WorkflowMemo(CheckpointSettings settings, Instant started) {
        this.settings = settings;
        this.lastCheckpoint = started;
    }

    /** Results of this run not in a checkpoint yet. */
    public int pendingCount() {
        return pending.size();
    }
}
