package dev.trellis.protocol.spec;

/**
 * Workflow-wide settings. Nulls mean "use the default" so a spec can name only what it changes.
 *
 * @param errorPolicy    lazy: dependents of a failed task fail, other branches go on; fail-fast:
 *                       the first failure cancels the rest
 * @param retries        retries per task after the first attempt (an app may override)
 * @param retryBackoffMs delay before the first retry; doubles for each further retry
 * @param defaultSite    site for unpinned apps when set; otherwise the least-loaded site
 * @param checkpoint     when cached results are checkpointed, and which checkpoints this run resumes from
 */
public record WorkflowSettings(ErrorPolicy errorPolicy, Integer retries, Long retryBackoffMs, String defaultSite,
                               CheckpointSettings checkpoint) {

    public static final WorkflowSettings DEFAULTS = new WorkflowSettings(ErrorPolicy.LAZY, 0, 1000L, null, null);

    public WorkflowSettings {
        errorPolicy = errorPolicy == null ? ErrorPolicy.LAZY : errorPolicy;
        retries = retries == null ? 0 : retries;
        retryBackoffMs = retryBackoffMs == null ? 1000L : retryBackoffMs;
        checkpoint = checkpoint == null ? CheckpointSettings.NONE : checkpoint;
    }

    public WorkflowSettings(ErrorPolicy errorPolicy, Integer retries, Long retryBackoffMs, String defaultSite) {
        this(errorPolicy, retries, retryBackoffMs, defaultSite, null);
    }
}
