package dev.trellis.engine.elastic;

import java.time.Instant;
import java.util.Objects;

/**
 * One block of a site as the scheduler sees it. Immutable: a change gives a new value, and
 * {@link #moveTo} is the one way to change its state.
 *
 * @param id           the block's id, unique within its site
 * @param state        where it is in its life
 * @param slots        tasks it runs at once (its own count: blocks started under older settings keep theirs)
 * @param busySlots    slots running a task at its last heartbeat. For a draining block this must come
 *                     from a heartbeat sent after it began draining: only then is 0 final, so stopping
 *                     it cannot kill a task it took just before
 * @param pendingSince when it was asked for
 * @param startedAt    its first heartbeat; null while pending (and for a block that never came up)
 * @param lastBusyAt   the last heartbeat at which it had a busy slot; null if it never had one
 */
public record Block(
        String id,
        BlockState state,
        int slots,
        int busySlots,
        Instant pendingSince,
        Instant startedAt,
        Instant lastBusyAt) {

    public Block {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a block needs an id");
        }
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(pendingSince, "pendingSince");
        if (slots < 1) {
            throw new IllegalArgumentException("block '" + id + "' needs at least one slot, not " + slots);
        }
        if (busySlots < 0 || busySlots > slots) {
            throw new IllegalArgumentException(
                    "block '" + id + "' cannot have " + busySlots + " busy slots of " + slots);
        }
        if ((state == BlockState.RUNNING || state == BlockState.DRAINING) && startedAt == null) {
            throw new IllegalArgumentException("block '" + id + "' is " + state + " but never started");
        }
    }

    /** A block just asked for from the provider. */
    public static Block requested(String id, int slots, Instant at) {
        return new Block(id, BlockState.PENDING, slots, 0, at, null, null);
    }

    /**
     * The one method that changes a block's state; the first move to RUNNING records when it started.
     *
     * @throws IllegalBlockTransitionException when {@link BlockTransitions} has no such move
     */
    public Block moveTo(BlockState to, Instant at) {
        BlockTransitions.requireAllowed(id, state, to);
        Instant started = state == BlockState.PENDING && to == BlockState.RUNNING ? at : startedAt;
        return new Block(id, to, slots, busySlots, pendingSince, started, lastBusyAt);
    }

    /**
     * Tells the block to drain. Until a heartbeat sent after it began draining says otherwise, every
     * slot counts as busy: a block idle at its last heartbeat may have taken a task since, and
     * stopping it on that stale zero could kill the task.
     */
    public Block drain(Instant at) {
        Block draining = moveTo(BlockState.DRAINING, at);
        return new Block(id, draining.state, slots, slots, pendingSince, draining.startedAt, lastBusyAt);
    }

    /**
     * What a heartbeat tells: the first one means the block is up; each one says how busy it is. A
     * late heartbeat from a gone block changes nothing (the caller may want to stop that process).
     */
    public Block heartbeat(int busy, Instant at) {
        if (state.isTerminal()) {
            return this;
        }
        Block up = state == BlockState.PENDING ? moveTo(BlockState.RUNNING, at) : this;
        return new Block(id, up.state, slots, busy, pendingSince, up.startedAt, busy > 0 ? at : lastBusyAt);
    }

    /** When it last became idle; null while a slot is busy or before it started. */
    public Instant idleSince() {
        if (busySlots > 0 || startedAt == null) {
            return null;
        }
        return lastBusyAt == null || lastBusyAt.isBefore(startedAt) ? startedAt : lastBusyAt;
    }
}
