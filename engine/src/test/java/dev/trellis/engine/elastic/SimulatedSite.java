package dev.trellis.engine.elastic;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A site driven by {@link ScalingStrategy} one second at a time, the way the scheduler will drive a
 * real one: blocks come up a few seconds after they are asked for, take queued tasks into free
 * slots, heartbeat, and are drained and stopped as decided. Stopping a block that runs a task fails
 * the test: scale-in must never kill running work.
 */
final class SimulatedSite {

    private final BlockSettings settings;
    private final Duration startDelay;
    private final Duration taskDuration;
    private final ScalingStrategy strategy = new ScalingStrategy();

    private final Map<String, Block> blocks = new LinkedHashMap<>();
    private final Map<String, List<Instant>> taskEndsByBlock = new HashMap<>();
    private final Deque<String> queue = new ArrayDeque<>();
    /** Which block ran each task: the seed prints the pid. */
    private final Map<String, String> ranOn = new LinkedHashMap<>();
    private final List<ScalingDecision.Drain> drains = new ArrayList<>();
    private int blocksAskedFor;
    private int mostBlocksTakingTasks;
    private Instant now = Blocks.T0;

    SimulatedSite(BlockSettings settings, Duration startDelay, Duration taskDuration) {
        this.settings = settings;
        this.startDelay = startDelay;
        this.taskDuration = taskDuration;
        apply(strategy.atStart(new SiteBlocks(List.copyOf(blocks.values())), settings));
    }

    void submit(int tasks) {
        for (int i = 0; i < tasks; i++) {
            queue.add("t" + (ranOn.size() + queue.size() + 1));
        }
    }

    /** Ticks once a second until every task ran and the site has nothing more to do, or the limit passes. */
    void runFor(Duration limit) {
        Instant end = now.plus(limit);
        while (now.isBefore(end)) {
            tick();
            now = now.plusSeconds(1);
        }
    }

    private void tick() {
        for (Block block : List.copyOf(blocks.values())) {
            List<Instant> ends = taskEndsByBlock.computeIfAbsent(block.id(), id -> new ArrayList<>());
            ends.removeIf(taskEnd -> !taskEnd.isAfter(now));
            boolean comesUp = block.state() == BlockState.PENDING && !now.isBefore(block.pendingSince().plus(startDelay));
            if (block.state() == BlockState.RUNNING || comesUp) {
                while (ends.size() < block.slots() && !queue.isEmpty()) {
                    ranOn.put(queue.poll(), block.id());
                    ends.add(now.plus(taskDuration));
                }
            }
            if (block.state() != BlockState.PENDING || comesUp) {
                blocks.put(block.id(), block.heartbeat(ends.size(), now));
            }
        }
        int running = taskEndsByBlock.values().stream().mapToInt(List::size).sum();
        apply(strategy.decide(new SiteLoadSnapshot(queue.size(), running),
                new SiteBlocks(List.copyOf(blocks.values())), settings, now));
        mostBlocksTakingTasks = Math.max(mostBlocksTakingTasks, (int) blocks.values().stream()
                .filter(block -> block.state().isCapacity()).count());
    }

    private void apply(ScalingDecision decision) {
        for (ScalingDecision.Stop stop : decision.blocksToStop()) {
            if (!taskEndsByBlock.getOrDefault(stop.blockId(), List.of()).isEmpty()) {
                throw new AssertionError("block " + stop.blockId() + " was stopped while running a task");
            }
            blocks.computeIfPresent(stop.blockId(), (id, block) -> block.moveTo(BlockState.GONE, now));
        }
        for (ScalingDecision.Drain drain : decision.blocksToDrain()) {
            drains.add(drain);
            blocks.computeIfPresent(drain.blockId(), (id, block) -> block.moveTo(BlockState.DRAINING, now));
        }
        for (int i = 0; i < decision.blocksToStart(); i++) {
            String id = "b" + ++blocksAskedFor;
            blocks.put(id, Block.requested(id, settings.slotsPerBlock(), now));
        }
    }

    Map<String, String> ranOn() {
        return ranOn;
    }

    int tasksLeft() {
        return queue.size() + taskEndsByBlock.values().stream().mapToInt(List::size).sum();
    }

    int blocksAskedFor() {
        return blocksAskedFor;
    }

    int mostBlocksTakingTasks() {
        return mostBlocksTakingTasks;
    }

    List<ScalingDecision.Drain> drains() {
        return drains;
    }

    List<Block> liveBlocks() {
        return blocks.values().stream().filter(block -> !block.state().isTerminal()).toList();
    }
}
