package dev.trellis.scheduler.elasticity;

import dev.trellis.engine.elastic.Block;
import dev.trellis.engine.elastic.BlockSettings;
import dev.trellis.engine.elastic.BlockState;
import dev.trellis.engine.elastic.SiteBlocks;
import dev.trellis.protocol.message.BlockPhase;
import dev.trellis.scheduler.site.BlockRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The blocks of one elastic site as the scheduler tracks them across ticks: those it asked a
 * provider for (pending until they heartbeat), and those heard from. Heartbeats move them on;
 * decisions are applied by {@link SiteScaling}. Not thread-safe: used under SiteScaling's lock.
 */
final class ElasticSite {

    /** Gone blocks stay listed this long, so people can see what happened to them. */
    private static final Duration KEEP_GONE = Duration.ofMinutes(5);

    private final String name;
    private final String executor;
    private final BlockSettings settings;
    private final Map<String, TrackedBlock> blocks = new LinkedHashMap<>();
    private final BlockStartTimes startTimes;
    private final Set<String> firstTaskTimed = new HashSet<>();

    ElasticSite(String name, String executor, BlockSettings settings, BlockStartTimes startTimes) {
        this.name = name;
        this.executor = executor;
        this.settings = settings;
        this.startTimes = startTimes;
    }

    String name() {
        return name;
    }

    String executor() {
        return executor;
    }

    BlockSettings settings() {
        return settings;
    }

    /**
     * Folds in the heartbeats heard and the blocks the provider saw end.
     *
     * @return the blocks that went silent or stopped since the last tick, for the provider to clean up
     */
    List<TrackedBlock> observe(Collection<BlockRegistry.Block> heard, Set<String> ended, Instant now) {
        List<TrackedBlock> lost = new ArrayList<>();
        for (BlockRegistry.Block block : heard) {
            if (block.site().equals(name)) {
                observe(block).ifPresent(lost::add);
            }
        }
        for (String id : ended) {
            TrackedBlock tracked = blocks.get(id);
            if (tracked != null && !tracked.state().isTerminal()) {
                blocks.put(id, tracked.gone(now));
            }
        }
        blocks.values().removeIf(b -> b.goneAt() != null && !now.isBefore(b.goneAt().plus(KEEP_GONE)));
        firstTaskTimed.retainAll(blocks.keySet());
        return lost;
    }

    private Optional<TrackedBlock> observe(BlockRegistry.Block heard) {
        TrackedBlock tracked = blocks.get(heard.blockId());
        if (heard.lost()) {
            if (tracked != null && !tracked.state().isTerminal()) {
                TrackedBlock gone = tracked.gone(heard.lastSeen());
                blocks.put(heard.blockId(), gone);
                return Optional.of(gone);
            }
            return Optional.empty();
        }
        if (tracked == null) {
            if (heard.host() != null) { // else only expected from attempts in the database, not heard yet
                blocks.put(heard.blockId(), adopt(heard));
            }
            return Optional.empty();
        }
        if (tracked.state().isTerminal()) {
            return Optional.empty(); // a late heartbeat from a block already stopped
        }
        boolean wasPending = tracked.state() == BlockState.PENDING;
        Block block = tracked.block();
        if (block.state() != BlockState.DRAINING || heard.phase() == BlockPhase.DRAINING) {
            // A draining block's busy count means something only once it heard its drain.
            block = block.heartbeat(heard.busySlots(), heard.lastSeen());
        }
        block = followDrain(block, heard);
        if (wasPending && tracked.requestedAt() != null) {
            startTimes.up(name, Duration.between(tracked.requestedAt(), heard.firstSeen()));
        }
        if (tracked.requestedAt() != null && heard.firstBusy() != null && firstTaskTimed.add(heard.blockId())) {
            startTimes.firstTask(name, Duration.between(tracked.requestedAt(), heard.firstBusy()));
        }
        blocks.put(heard.blockId(), tracked.with(block).heard(heard.host(), heard.pid(), heard.phase()));
        return Optional.empty();
    }

    /** A block heard from but never asked for: started by hand, or by this site before a scheduler restart. */
    private TrackedBlock adopt(BlockRegistry.Block heard) {
        Block block = Block.requested(heard.blockId(), Math.max(1, heard.slots()), heard.firstSeen())
                .heartbeat(heard.busySlots(), heard.lastSeen());
        return TrackedBlock.adopted(followDrain(block, heard), heard.host(), heard.pid(), heard.phase());
    }

    /**
     * A running block whose heartbeat says it drains (told before a scheduler restart) is draining; the
     * busy count it carries is then final, as it was sent after the drain.
     */
    private static Block followDrain(Block block, BlockRegistry.Block heard) {
        return block.state() == BlockState.RUNNING && heard.phase() == BlockPhase.DRAINING
                ? block.moveTo(BlockState.DRAINING, heard.lastSeen())
                : block;
    }

    /** Blocks a provider reports as existing but not heard from yet (after a scheduler restart): on their way. */
    void expectPending(List<String> ids, Instant now) {
        for (String id : ids) {
            blocks.putIfAbsent(id, TrackedBlock.adopted(Block.requested(id, settings.slotsPerBlock(), now), null, 0, null));
        }
    }

    SiteBlocks snapshot() {
        return new SiteBlocks(blocks.values().stream().map(TrackedBlock::block).toList());
    }

    void requested(String id, Instant at) {
        blocks.put(id, TrackedBlock.requested(Block.requested(id, settings.slotsPerBlock(), at), at));
    }

    TrackedBlock get(String id) {
        return blocks.get(id);
    }

    void drained(String id, Instant at) {
        TrackedBlock tracked = blocks.get(id);
        blocks.put(id, tracked.with(tracked.block().drain(at)));
    }

    void stopped(String id, Instant at) {
        blocks.put(id, blocks.get(id).gone(at));
    }

    List<TrackedBlock> blocks() {
        return List.copyOf(blocks.values());
    }

    int count(BlockState state) {
        return (int) blocks.values().stream().filter(b -> b.state() == state).count();
    }
}
