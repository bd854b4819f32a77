package dev.trellis.engine.elastic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How one site's blocks scale: Parsl's block knobs, plus how long a block may take to start.
 *
 * @param slotsPerBlock tasks one block runs at once
 * @param initBlocks    blocks asked for when the site starts, before any task arrives
 * @param minBlocks     blocks kept even when the site is idle
 * @param maxBlocks     most blocks taking tasks at once
 * @param parallelism   0..1: slots wanted per active task. 1 gives every active task a slot as soon as
 *                      possible; near 0 reuses the blocks there are (one block is still started when
 *                      tasks wait and there are none)
 * @param walltime      a running block's lifetime: from then it drains, finishes what it runs and
 *                      leaves; null for none. Blocks drain rather than die, so a provider with a hard
 *                      limit needs a walltime shorter than that limit by the longest task
 * @param maxIdleTime   how long a block has no busy slot before it may be drained
 * @param startTimeout  how long a block may stay pending (asked for, not heartbeating) before it is
 *                      stopped and counted as failed to start
 */
public record BlockSettings(
        int slotsPerBlock,
        int initBlocks,
        int minBlocks,
        int maxBlocks,
        double parallelism,
        Duration walltime,
        Duration maxIdleTime,
        Duration startTimeout) {

    /** @throws IllegalArgumentException naming every problem at once, so a bad config is fixed in one go */
    public BlockSettings {
        List<String> problems = new ArrayList<>();
        if (slotsPerBlock < 1) {
            problems.add("slotsPerBlock must be at least 1, not " + slotsPerBlock);
        }
        if (minBlocks < 0) {
            problems.add("minBlocks must not be negative, not " + minBlocks);
        }
        if (maxBlocks < 1) {
            problems.add("maxBlocks must be at least 1 (a site without blocks runs nothing), not " + maxBlocks);
        }
        if (minBlocks > initBlocks || initBlocks > maxBlocks) {
            problems.add("blocks must satisfy minBlocks <= initBlocks <= maxBlocks, not "
                    + minBlocks + " <= " + initBlocks + " <= " + maxBlocks);
        }
        // Written so that NaN fails too.
        if (!(parallelism >= 0 && parallelism <= 1)) {
            problems.add("parallelism must be between 0 and 1, not " + parallelism);
        }
        if (walltime != null && !isPositive(walltime)) {
            problems.add("walltime must be positive (or unset for none), not " + walltime);
        }
        if (maxIdleTime == null || maxIdleTime.isNegative()) {
            problems.add("maxIdleTime must be zero or more, not " + maxIdleTime);
        }
        if (startTimeout == null || !isPositive(startTimeout)) {
            problems.add("startTimeout must be positive, not " + startTimeout);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid block settings: " + String.join("; ", problems));
        }
    }

    /** {@code Duration.isPositive} is Java 18+. */
    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }
}
