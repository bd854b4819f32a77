package dev.trellis.checkpoint;

import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreBatch;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test data: one run of a workflow name, and the memo entries and store batches it produces, as
 * the scheduler would send them. Names and keys are unique per run so tests sharing the database
 * never see each other's data.
 */
public record WorkflowRun(String workflowName, String workflowId) {

    /** The first run of a workflow name no other test uses. */
    public static WorkflowRun aRunOfANewWorkflow() {
        return new WorkflowRun("wf-" + UUID.randomUUID(), UUID.randomUUID().toString());
    }

    /** Another run of the same workflow name. */
    public WorkflowRun rerun() {
        return new WorkflowRun(workflowName, UUID.randomUUID().toString());
    }

    /** The result of a task of app {@code slow_double}, with a key unique to this call. */
    public MemoRecord finishedTask(String taskId) {
        return finishedTask(taskId, "slow_double", 1_700_000_000_000L);
    }

    public MemoRecord finishedTask(String taskId, String appName, long finishedAtMillis) {
        return new MemoRecord(appName + "-" + UUID.randomUUID(), appName, workflowName, workflowId, taskId,
                Map.of("value", taskId), List.of(new MemoRecord.OutputDigest(taskId + ".out", "ab12")), finishedAtMillis);
    }

    /** A checkpoint of mode task_exit taken at {@code sentAtMillis}, holding the entries. */
    public MemoStoreBatch checkpointAt(long sentAtMillis, MemoRecord... entries) {
        return new MemoStoreBatch(MemoStoreBatch.CURRENT_VERSION, UUID.randomUUID().toString(), workflowName, workflowId,
                "task_exit", true, List.of(entries), sentAtMillis);
    }

    /** Entries stored for reuse without becoming a checkpoint. */
    public MemoStoreBatch uncheckpointed(MemoRecord... entries) {
        return new MemoStoreBatch(MemoStoreBatch.CURRENT_VERSION, UUID.randomUUID().toString(), workflowName, workflowId,
                null, false, List.of(entries), 1L);
    }
}
