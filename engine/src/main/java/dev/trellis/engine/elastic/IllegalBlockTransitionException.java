package dev.trellis.engine.elastic;

/** A move between block states that {@link BlockTransitions} does not allow: a bug or a corrupt event. */
public class IllegalBlockTransitionException extends IllegalStateException {

    private final String blockId;
    private final BlockState from;
    private final BlockState to;

    public IllegalBlockTransitionException(String blockId, BlockState from, BlockState to) {
        super("block '" + blockId + "' cannot move from " + from + " to " + to);
        this.blockId = blockId;
        this.from = from;
        this.to = to;
    }

    public String blockId() {
        return blockId;
    }

    public BlockState from() {
        return from;
    }

    public BlockState to() {
        return to;
    }
}
