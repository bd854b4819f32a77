package dev.trellis.engine.elastic;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The blocks of one site as the scheduler sees them. Gone blocks may be included; they count for nothing. */
public record SiteBlocks(List<Block> blocks) {

    public SiteBlocks {
        blocks = List.copyOf(blocks);
        Set<String> ids = new HashSet<>();
        for (Block block : blocks) {
            if (!ids.add(block.id())) {
                throw new IllegalArgumentException("block '" + block.id() + "' is listed twice");
            }
        }
    }

    public static SiteBlocks of(Block... blocks) {
        return new SiteBlocks(Arrays.asList(blocks));
    }

    public static SiteBlocks none() {
        return new SiteBlocks(List.of());
    }

    public List<Block> inState(BlockState state) {
        return blocks.stream().filter(block -> block.state() == state).toList();
    }

    /** Pending and running blocks: those that take, or will take, new tasks. */
    public int capacityBlocks() {
        return (int) blocks.stream().filter(block -> block.state().isCapacity()).count();
    }

    /** The slots of pending and running blocks. */
    public int capacitySlots() {
        return blocks.stream().filter(block -> block.state().isCapacity()).mapToInt(Block::slots).sum();
    }
}
