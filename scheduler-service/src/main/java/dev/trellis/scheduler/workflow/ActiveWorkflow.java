package dev.trellis.scheduler.workflow;

import dev.trellis.engine.run.WorkflowRun;
import dev.trellis.scheduler.memo.WorkflowMemo;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A workflow the scheduler is driving: its engine run plus what only the scheduler knows (where
 * each task was sent, which block runs it). Guarded by its own monitor: every event for one
 * workflow is applied and persisted under it, so rows are never written out of order.
 */
final class ActiveWorkflow {

    final UUID id;
    final String name;
    /** As stored in its row: the workflow's labels (JSON) and when it was submitted. */
    final String labelsJson;
    final Instant submittedAt;
    final WorkflowRun run;
    final WorkflowMemo memo;
    final Map<String, String> siteOf = new HashMap<>();
    final Map<String, String> blockOf = new HashMap<>();
    /** When the current attempt of a queued task was sent, for the queue-wait histogram. */
    final Map<String, Instant> queuedAt = new HashMap<>();
    final SentContinuations continuations = new SentContinuations();
    int taskBatches;

    ActiveWorkflow(UUID id, String name, String labelsJson, Instant submittedAt, WorkflowRun run, int taskBatches,
                   Instant started) {
        this.id = id;
        this.name = name;
        this.labelsJson = labelsJson;
        this.submittedAt = submittedAt;
        this.run = run;
        this.taskBatches = taskBatches;
        this.memo = new WorkflowMemo(run.plan().settings().checkpoint(), started);
    }
}
