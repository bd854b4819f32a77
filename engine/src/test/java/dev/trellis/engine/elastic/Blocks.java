package dev.trellis.engine.elastic;

import java.time.Duration;
import java.time.Instant;

/** Test data named after states: {@code aRunningBlock("b1").busy(1).build()}, {@code aSite().parallelism(0.1).build()}. */
final class Blocks {

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private Blocks() {
    }

    static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    static BlockBuilder aPendingBlock(String id) {
        return new BlockBuilder(id, BlockState.PENDING).startedAt(null);
    }

    static BlockBuilder aRunningBlock(String id) {
        return new BlockBuilder(id, BlockState.RUNNING);
    }

    static BlockBuilder aDrainingBlock(String id) {
        return new BlockBuilder(id, BlockState.DRAINING);
    }

    static BlockBuilder aGoneBlock(String id) {
        return new BlockBuilder(id, BlockState.GONE);
    }

    /** The seed's site: one slot per block, 0..10 blocks, none at start; parallelism 1 unless told. */
    static SettingsBuilder aSite() {
        return new SettingsBuilder();
    }

    static final class BlockBuilder {
        private final String id;
        private final BlockState state;
        private int slots = 1;
        private int busy;
        private Instant pendingSince = T0;
        private Instant startedAt = T0;
        private Instant lastBusyAt;

        private BlockBuilder(String id, BlockState state) {
            this.id = id;
            this.state = state;
        }

        BlockBuilder slots(int slots) {
            this.slots = slots;
            return this;
        }

        /** Busy slots now; a busy block was last busy now, whatever {@link #lastBusyAt} says. */
        BlockBuilder busy(int busy) {
            this.busy = busy;
            return this;
        }

        BlockBuilder askedFor(Instant at) {
            this.pendingSince = at;
            return this;
        }

        BlockBuilder startedAt(Instant at) {
            this.startedAt = at;
            if (at != null && pendingSince.isAfter(at)) {
                pendingSince = at;
            }
            return this;
        }

        BlockBuilder lastBusyAt(Instant at) {
            this.lastBusyAt = at;
            return this;
        }

        Block build() {
            return new Block(id, state, slots, busy, pendingSince, startedAt, lastBusyAt);
        }
    }

    static final class SettingsBuilder {
        private int slotsPerBlock = 1;
        private int initBlocks;
        private int minBlocks;
        private int maxBlocks = 10;
        private double parallelism = 1;
        private Duration walltime;
        private Duration maxIdleTime = Duration.ofMinutes(2);
        private Duration startTimeout = Duration.ofMinutes(1);

        SettingsBuilder slotsPerBlock(int slotsPerBlock) {
            this.slotsPerBlock = slotsPerBlock;
            return this;
        }

        SettingsBuilder blocks(int min, int init, int max) {
            this.minBlocks = min;
            this.initBlocks = init;
            this.maxBlocks = max;
            return this;
        }

        SettingsBuilder parallelism(double parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        SettingsBuilder walltime(Duration walltime) {
            this.walltime = walltime;
            return this;
        }

        SettingsBuilder maxIdleTime(Duration maxIdleTime) {
            this.maxIdleTime = maxIdleTime;
            return this;
        }

        SettingsBuilder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        BlockSettings build() {
            return new BlockSettings(slotsPerBlock, initBlocks, minBlocks, maxBlocks, parallelism,
                    walltime, maxIdleTime, startTimeout);
        }
    }
}
