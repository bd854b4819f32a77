package dev.trellis.scheduler.elasticity;

import dev.trellis.engine.elastic.Block;
import dev.trellis.engine.elastic.BlockState;
import dev.trellis.protocol.message.BlockPhase;

import java.time.Instant;

/**
 * One block of an elastic site: the engine's view of it plus what the scheduler needs to carry out
 * decisions (where it runs, whether it heard its drain) and to time its start.
 *
 * @param block        the engine's block
 * @param requestedAt  when this scheduler asked a provider for it; null for a block it adopted (heard
 *                     from, never asked for: started by hand, or before a scheduler restart)
 * @param host         where its heartbeats come from; null until heard
 * @param pid          its process id there; 0 until heard
 * @param phase        what its last heartbeat said; null until heard
 * @param goneAt       when it became GONE; null before
 */
record TrackedBlock(Block block, Instant requestedAt, String host, long pid, BlockPhase phase, Instant goneAt) {

    static TrackedBlock requested(Block block, Instant at) {
        return new TrackedBlock(block, at, null, 0, null, null);
    }

    static TrackedBlock adopted(Block block, String host, long pid, BlockPhase phase) {
        return new TrackedBlock(block, null, host, pid, phase, null);
    }

    String id() {
        return block.id();
    }

    BlockState state() {
        return block.state();
    }

    TrackedBlock with(Block changed) {
        return new TrackedBlock(changed, requestedAt, host, pid, phase, goneAt);
    }

    TrackedBlock heard(String heardHost, long heardPid, BlockPhase heardPhase) {
        return new TrackedBlock(block, requestedAt, heardHost, heardPid, heardPhase, goneAt);
    }

    TrackedBlock gone(Instant at) {
        return new TrackedBlock(block.moveTo(BlockState.GONE, at), requestedAt, host, pid, phase, at);
    }

    /** Told to drain, and its heartbeats do not say so yet: the drain message must go again. */
    boolean drainUnheard() {
        return block.state() == BlockState.DRAINING && phase != BlockPhase.DRAINING;
    }

    BlockHandle handle(String site) {
        return new BlockHandle(site, block.id(), host, pid);
    }
}
