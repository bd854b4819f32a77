package dev.trellis.engine.elastic;

import dev.trellis.engine.TransitionTable;

import java.util.Set;

import static dev.trellis.engine.elastic.BlockState.DRAINING;
import static dev.trellis.engine.elastic.BlockState.GONE;
import static dev.trellis.engine.elastic.BlockState.PENDING;
import static dev.trellis.engine.elastic.BlockState.RUNNING;

/** The one table of legal block-state moves; {@link Block#moveTo} is the one method that makes them. */
public final class BlockTransitions {

    private static final TransitionTable<BlockState> TABLE = TransitionTable.of(BlockState.class)
            // RUNNING on the first heartbeat; GONE when it failed or took too long to start.
            .allow(PENDING, RUNNING, GONE)
            // GONE without draining only when it was lost (silent, crashed): the scheduler never stops a
            // running block, so that no running task is killed.
            .allow(RUNNING, DRAINING, GONE)
            // No way back to RUNNING: a drained block leaves and is replaced if still needed, which keeps
            // "draining" a promise the block can act on (finish and exit) without waiting to be told.
            .allow(DRAINING, GONE)
            .build();

    private BlockTransitions() {
    }

    public static boolean isAllowed(BlockState from, BlockState to) {
        return TABLE.isAllowed(from, to);
    }

    public static Set<BlockState> allowedFrom(BlockState from) {
        return TABLE.allowedFrom(from);
    }

    /** @throws IllegalBlockTransitionException when the table has no such move */
    static void requireAllowed(String blockId, BlockState from, BlockState to) {
        if (!isAllowed(from, to)) {
            throw new IllegalBlockTransitionException(blockId, from, to);
        }
    }
}
