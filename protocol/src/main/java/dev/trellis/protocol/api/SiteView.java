package dev.trellis.protocol.api;

import java.util.List;

/**
 * A site as {@code GET /api/sites} shows it: its settings, the blocks heard from, and for an
 * elastic site the blocks the scheduler wants.
 *
 * @param provider      {@code static} (blocks started by hand) or the elasticity provider
 * @param desiredBlocks for elastic sites: the blocks that should be taking tasks; null otherwise
 */
public record SiteView(String name, String executor, int slotsPerBlock, String provider, Integer desiredBlocks,
                       int queuedTasks, int runningTasks, List<BlockView> blocks) {

    /** A block as its last heartbeat described it. */
    public record BlockView(String id, String state, String host, long pid, int slots, int busySlots, long lastSeenMillis) {
    }
}
