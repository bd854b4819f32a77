package dev.trellis.protocol.api;

import java.util.List;

/**
 * A site as {@code GET /api/sites} shows it: its settings, its blocks, and for an elastic site the
 * blocks the scheduler wants.
 *
 * @param provider      {@code static} (blocks started by hand) or the elasticity provider
 * @param desiredBlocks for elastic sites: the blocks that should be taking tasks; null otherwise
 * @param slots         slots of the live blocks
 * @param busySlots     of those, the ones running a task
 */
public record SiteView(String name, String executor, int slotsPerBlock, String provider, Integer desiredBlocks,
                       int queuedTasks, int runningTasks, int slots, int busySlots, List<BlockView> blocks) {

    /**
     * A block: for an elastic site as scaling tracks it (PENDING, RUNNING, DRAINING, GONE), for a
     * static one as its heartbeats tell (RUNNING, GONE).
     *
     * @param host             null until heard from
     * @param requestedAtMillis when the scheduler asked for it; null if it did not (started by hand)
     * @param lastSeenMillis   its last heartbeat; null until heard from
     */
    public record BlockView(String id, String state, String host, long pid, int slots, int busySlots,
                            Long requestedAtMillis, Long lastSeenMillis) {
    }
}
