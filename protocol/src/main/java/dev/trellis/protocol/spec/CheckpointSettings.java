package dev.trellis.protocol.spec;

import java.util.List;

/**
 * Checkpointing of cached results (Parsl's {@code checkpointMode} and {@code checkpointFiles}).
 *
 * @param mode          when results of cacheable tasks are written to a checkpoint
 * @param periodSeconds for {@code periodic}: how often
 * @param resumeFrom    checkpoints whose results this run may reuse: {@code latest} (every checkpoint of
 *                      the newest earlier run of this workflow name), {@code all}, or checkpoint ids;
 *                      empty: none (results are still reused inside this run)
 * @param refresh       bypass the cache for this submission: every task runs, results are stored anew
 */
public record CheckpointSettings(CheckpointMode mode, Integer periodSeconds, List<String> resumeFrom, Boolean refresh) {

    public static final CheckpointSettings NONE = new CheckpointSettings(CheckpointMode.NONE, null, List.of(), false);
    public static final String LATEST = "latest";
    public static final String ALL = "all";

    public CheckpointSettings {
        mode = mode == null ? CheckpointMode.NONE : mode;
        periodSeconds = periodSeconds == null ? 60 : periodSeconds;
        resumeFrom = resumeFrom == null ? List.of() : List.copyOf(resumeFrom);
        refresh = refresh != null && refresh;
    }
}
