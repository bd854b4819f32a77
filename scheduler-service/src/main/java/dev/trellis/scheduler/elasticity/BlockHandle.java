package dev.trellis.scheduler.elasticity;

/**
 * A block to stop, with what its heartbeats told about it.
 *
 * @param host where it runs; null if it was never heard from
 * @param pid  its process id on that host; 0 if it was never heard from
 */
public record BlockHandle(String site, String blockId, String host, long pid) {
}
