package dev.trellis.protocol.memo;

import java.util.List;

/**
 * The keys of a batch of ready cacheable tasks (one round trip per batch, never one per task),
 * and which stored results may answer them.
 *
 * @param scope which entries count; null means any entry
 */
public record MemoLookupRequest(List<String> keys, ResumeScope scope) {

    public MemoLookupRequest {
        keys = keys == null ? List.of() : keys;
    }

    public MemoLookupRequest(List<String> keys) {
        this(keys, null);
    }

    /**
     * @param kind              LATEST: entries in the checkpoints of the newest run of {@code workflowName} that has any;
     *                          ALL: every entry; IDS: entries in {@code checkpointIds}
     * @param workflowName      for LATEST
     * @param checkpointIds     for IDS
     * @param excludeWorkflowId for LATEST: the run asking, whose own checkpoints never make it "the newest
     *                          earlier run" (else its first checkpoint would hide the run it resumes from)
     */
    public record ResumeScope(Kind kind, String workflowName, List<String> checkpointIds, String excludeWorkflowId) {

        public enum Kind { LATEST, ALL, IDS }

        public ResumeScope {
            checkpointIds = checkpointIds == null ? List.of() : checkpointIds;
        }

        public ResumeScope(Kind kind, String workflowName, List<String> checkpointIds) {
            this(kind, workflowName, checkpointIds, null);
        }
    }
}
