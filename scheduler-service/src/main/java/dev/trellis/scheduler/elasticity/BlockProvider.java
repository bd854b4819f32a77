package dev.trellis.scheduler.elasticity;

import java.util.List;
import java.util.Set;

/**
 * Carries out an elastic site's scaling decisions: starts blocks and stops them. Sites name their
 * provider in {@code trellis.scheduler.sites[*].blocks.provider}. Draining is not the provider's
 * job: the scheduler tells a block to drain over Kafka, and asks the provider to stop it only once
 * its heartbeats show it runs nothing, so no provider ever stops running work.
 */
public interface BlockProvider {

    /** The name sites use for it. */
    String name();

    /**
     * Asks for a new block that heartbeats as {@code launch.blockId()}. Returns without waiting for it
     * to come up; the block is pending until its first heartbeat.
     *
     * @throws BlockProviderException when the request itself fails (the block is then counted as gone)
     */
    void start(BlockLaunch launch);

    /**
     * Stops a block that runs nothing: it drained, or it never came up in time. Stopping one that is
     * already gone or unknown is not an error.
     *
     * @throws BlockProviderException when the provider could not be asked
     */
    void stop(BlockHandle block);

    /**
     * The ids of blocks of the site this provider has started and not stopped, as far as it can tell
     * (used after a scheduler restart, so blocks still coming up are not asked for again).
     */
    default List<String> existingBlocks(String site) {
        return List.of();
    }

    /**
     * The ids of blocks of the site this provider started that ended on their own since it was last
     * asked (a process exited, a pod failed), so a block that dies while coming up is not waited for
     * until its start timeout. Asked every scaling tick: answer from memory, not with a remote call.
     */
    default Set<String> endedBlocks(String site) {
        return Set.of();
    }
}
