package dev.trellis.engine.elastic;

/** Where a block is in its life, as the scheduler sees it; legal moves are in {@link BlockTransitions}. */
public enum BlockState {
    /** Asked for from the provider, not heartbeating yet. Its slots are on their way. */
    PENDING,
    /** Heartbeating and taking tasks. */
    RUNNING,
    /** Takes no new tasks and finishes the ones it runs; stopped once it has none. */
    DRAINING,
    /** Stopped, lost, or never came up. */
    GONE;

    /**
     * Its slots count as the site's capacity. Pending blocks count so that a tick does not ask again
     * for blocks already on their way; draining ones do not, as they take no new work.
     */
    public boolean isCapacity() {
        return this == PENDING || this == RUNNING;
    }

    /** No further move is possible. */
    public boolean isTerminal() {
        return this == GONE;
    }
}
