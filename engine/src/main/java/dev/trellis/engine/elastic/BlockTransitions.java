package dev.trellis.engine.elastic;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.trellis.engine.elastic.BlockState.DRAINING;
import static dev.trellis.engine.elastic.BlockState.GONE;
import static dev.trellis.engine.elastic.BlockState.PENDING;
import static dev.trellis.engine.elastic.BlockState.RUNNING;

/** The one table of legal block-state moves; {@link Block#moveTo} is the one method that makes them. */
public final class BlockTransitions {

    private static final Map<BlockState, Set<BlockState>> ALLOWED = new EnumMap<>(BlockState.class);

    static {
        // RUNNING on the first heartbeat; GONE when it failed or took too long to start.
        allow(PENDING, RUNNING, GONE);
        // GONE without draining only when it was lost (silent, crashed): the scheduler never stops a
        // running block, so that no running task is killed.
        allow(RUNNING, DRAINING, GONE);
        // No way back to RUNNING: a drained block leaves and is replaced if still needed, which keeps
        // "draining" a promise the block can act on (finish and exit) without waiting to be told.
        allow(DRAINING, GONE);
        allow(GONE);
    }

    private BlockTransitions() {
    }

    private static void allow(BlockState from, BlockState... to) {
        EnumSet<BlockState> targets = EnumSet.noneOf(BlockState.class);
        Collections.addAll(targets, to);
        ALLOWED.put(from, targets);
    }

    public static boolean isAllowed(BlockState from, BlockState to) {
        return ALLOWED.get(from).contains(to);
    }

    public static Set<BlockState> allowedFrom(BlockState from) {
        return Collections.unmodifiableSet(ALLOWED.get(from));
    }

    /** @throws IllegalBlockTransitionException when the table has no such move */
    static void requireAllowed(String blockId, BlockState from, BlockState to) {
        if (!isAllowed(from, to)) {
            throw new IllegalBlockTransitionException(blockId, from, to);
        }
    }
}
