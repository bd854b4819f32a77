package dev.trellis.engine.elastic;

import java.util.List;

/**
 * What one tick decided for one site, for a provider to carry out.
 *
 * @param blocksToStart how many new blocks to ask for (they are PENDING until they heartbeat)
 * @param blocksToDrain blocks to tell to take no new tasks and finish what they run
 * @param blocksToStop  blocks to stop now: none of them runs a task
 * @param desiredBlocks the blocks that should be taking tasks once this is carried out (pending and
 *                      running, draining ones not counted): all an external scaler is told
 */
public record ScalingDecision(int blocksToStart, List<Drain> blocksToDrain, List<Stop> blocksToStop, int desiredBlocks) {

    public ScalingDecision {
        if (blocksToStart < 0 || desiredBlocks < 0) {
            throw new IllegalArgumentException("block counts must not be negative: " + blocksToStart + ", " + desiredBlocks);
        }
        blocksToDrain = List.copyOf(blocksToDrain);
        blocksToStop = List.copyOf(blocksToStop);
    }

    /** Nothing to start, drain or stop (the desired count may still be worth publishing). */
    public boolean changesNothing() {
        return blocksToStart == 0 && blocksToDrain.isEmpty() && blocksToStop.isEmpty();
    }

    public record Drain(String blockId, DrainReason reason) {
    }

    public record Stop(String blockId, StopReason reason) {
    }

    public enum DrainReason {
        /** No busy slot for maxIdleTime, and the site does not need it. */
        IDLE,
        /** It reached its walltime. */
        WALLTIME
    }

    public enum StopReason {
        /** It drained and runs nothing. */
        DRAINED,
        /** Still pending after startTimeout: count it as failed to start. */
        START_TIMED_OUT
    }
}
