package dev.trellis.engine.elastic;

import dev.trellis.engine.elastic.ScalingDecision.Drain;
import dev.trellis.engine.elastic.ScalingDecision.DrainReason;
import dev.trellis.engine.elastic.ScalingDecision.Stop;
import dev.trellis.engine.elastic.ScalingDecision.StopReason;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Parsl's scaling strategy for one site. Each tick:
 * <ol>
 *   <li>a pending block past its startTimeout is stopped (failed to start); a draining block with no
 *       busy slot is stopped; a running block at its walltime is drained;</li>
 *   <li>the site wants {@code ceil(active × parallelism)} slots for its active tasks, and at least one
 *       when any task waits;</li>
 *   <li>idle blocks are drained after maxIdleTime, longest idle first, while the slots left still
 *       cover what is wanted and never below minBlocks. Only idle blocks, and only by draining, so
 *       no running task is killed;</li>
 *   <li>blocks are started for the slots still missing, {@code ceil(missing / slotsPerBlock)}, and up
 *       to minBlocks, never beyond maxBlocks.</li>
 * </ol>
 * Pending blocks count as capacity, so blocks on their way are not asked for again. Draining blocks
 * do not count, neither as capacity nor toward maxBlocks: they take no new work, and counting them
 * would leave the queue waiting behind their last long task; the tasks they still run need no new
 * slot. Blocks that are lost (silent) are for the caller to mark GONE; this sees only what it is given.
 * Stateless and free of clocks: time is passed in.
 */
public final class ScalingStrategy {

    /** Asks for initBlocks when a site starts, less any blocks it already has (after a scheduler restart). */
    public ScalingDecision atStart(SiteBlocks blocks, BlockSettings settings) {
        int capacityBlocks = blocks.capacityBlocks();
        int start = Math.max(0, settings.initBlocks() - capacityBlocks);
        return new ScalingDecision(start, List.of(), List.of(), capacityBlocks + start);
    }

    /** One tick for one site. */
    public ScalingDecision decide(SiteLoadSnapshot load, SiteBlocks blocks, BlockSettings settings, Instant now) {
        List<Stop> stops = new ArrayList<>();
        List<Drain> drains = new ArrayList<>();
        List<Block> capacity = new ArrayList<>();
        int tasksOnDrainingBlocks = 0;
        for (Block block : blocks.blocks()) {
            switch (block.state()) {
                case PENDING -> {
                    if (reached(block.pendingSince(), settings.startTimeout(), now)) {
                        stops.add(new Stop(block.id(), StopReason.START_TIMED_OUT));
                    } else {
                        capacity.add(block);
                    }
                }
                case RUNNING -> {
                    if (settings.walltime() != null && reached(block.startedAt(), settings.walltime(), now)) {
                        drains.add(new Drain(block.id(), DrainReason.WALLTIME));
                        tasksOnDrainingBlocks += block.busySlots();
                    } else {
                        capacity.add(block);
                    }
                }
                case DRAINING -> {
                    if (block.busySlots() == 0) {
                        stops.add(new Stop(block.id(), StopReason.DRAINED));
                    } else {
                        tasksOnDrainingBlocks += block.busySlots();
                    }
                }
                case GONE -> {
                }
            }
        }

        // Tasks running on draining blocks finish there: they need no new slot.
        int wantedSlots = wantedSlots(Math.max(0, load.activeTasks() - tasksOnDrainingBlocks), settings.parallelism());
        int capacityBlocks = capacity.size();
        int capacitySlots = capacity.stream().mapToInt(Block::slots).sum();

        for (Block idle : idleForLongEnough(capacity, settings, now)) {
            boolean keepsMinimum = capacityBlocks - 1 >= settings.minBlocks();
            // Above maxBlocks only when the settings were lowered since the blocks started.
            boolean notNeeded = capacitySlots - idle.slots() >= wantedSlots || capacityBlocks > settings.maxBlocks();
            if (keepsMinimum && notNeeded) {
                drains.add(new Drain(idle.id(), DrainReason.IDLE));
                capacityBlocks--;
                capacitySlots -= idle.slots();
            }
        }

        int forSlots = ceilDiv(Math.max(0, wantedSlots - capacitySlots), settings.slotsPerBlock());
        int forMinimum = settings.minBlocks() - capacityBlocks;
        int start = Math.max(0, Math.min(Math.max(forSlots, forMinimum), settings.maxBlocks() - capacityBlocks));
        return new ScalingDecision(start, drains, stops, capacityBlocks + start);
    }

    /**
     * Slots wanted for the active tasks: {@code ceil(active × parallelism)}, and at least one when any
     * task waits (Parsl's rule for a site with no slots, so parallelism 0 still makes progress).
     */
    static int wantedSlots(int activeTasks, double parallelism) {
        if (activeTasks == 0) {
            return 0;
        }
        // Decimal, not double: 25 × 0.28 must be 7 slots, where double arithmetic gives 7.000000000000001 → 8.
        int byParallelism = BigDecimal.valueOf(parallelism)
                .multiply(BigDecimal.valueOf(activeTasks))
                .setScale(0, RoundingMode.CEILING)
                .intValueExact();
        return Math.max(1, byParallelism);
    }

    private static List<Block> idleForLongEnough(List<Block> capacity, BlockSettings settings, Instant now) {
        return capacity.stream()
                .filter(block -> block.state() == BlockState.RUNNING && block.idleSince() != null)
                .filter(block -> reached(block.idleSince(), settings.maxIdleTime(), now))
                .sorted(Comparator.comparing(Block::idleSince).thenComparing(Block::id))
                .toList();
    }

    private static boolean reached(Instant since, Duration after, Instant now) {
        return !now.isBefore(since.plus(after));
    }

    private static int ceilDiv(int dividend, int divisor) {
        return (dividend + divisor - 1) / divisor;
    }
}
