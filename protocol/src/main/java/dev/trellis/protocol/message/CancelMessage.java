package dev.trellis.protocol.message;

/**
 * Tells every block to stop attempts the scheduler no longer wants, sent on the control topic:
 * a running one is killed, a queued one is skipped when it arrives.
 *
 * @param taskId  the task whose attempt to stop; null stops every task of the workflow
 * @param attempt the attempt to stop; 0 stops any attempt of the task
 * @param reason  why, for people: "workflow cancelled", "cancelled on request", ...
 */
public record CancelMessage(
        int version,
        String workflowId,
        String taskId,
        int attempt,
        String reason,
        long sentAtMillis) {

    public static final int CURRENT_VERSION = 1;
    public static final int ANY_ATTEMPT = 0;

    public CancelMessage {
        if (taskId == null) {
            attempt = ANY_ATTEMPT;
        }
    }

    /** Stops one attempt of one task. */
    public static CancelMessage ofAttempt(String workflowId, String taskId, int attempt, String reason, long sentAtMillis) {
        return new CancelMessage(CURRENT_VERSION, workflowId, taskId, attempt, reason, sentAtMillis);
    }

    /** Stops every attempt of every task of the workflow. */
    public static CancelMessage ofWorkflow(String workflowId, String reason, long sentAtMillis) {
        return new CancelMessage(CURRENT_VERSION, workflowId, null, ANY_ATTEMPT, reason, sentAtMillis);
    }
}
