package dev.trellis.scheduler.elasticity;

/**
 * A block to start.
 *
 * @param site     the site whose task topic it consumes
 * @param blockId  the id it must heartbeat with ({@code trellis.worker.block-id})
 * @param slots    tasks it runs at once ({@code trellis.worker.slots})
 * @param executor the site's executor, as configured
 */
public record BlockLaunch(String site, String blockId, int slots, String executor) {
}
