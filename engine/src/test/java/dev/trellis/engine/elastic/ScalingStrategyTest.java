package dev.trellis.engine.elastic;

import dev.trellis.engine.elastic.ScalingDecision.Drain;
import dev.trellis.engine.elastic.ScalingDecision.Stop;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;

import static dev.trellis.engine.elastic.Blocks.T0;
import static dev.trellis.engine.elastic.Blocks.aDrainingBlock;
import static dev.trellis.engine.elastic.Blocks.aGoneBlock;
import static dev.trellis.engine.elastic.Blocks.aPendingBlock;
import static dev.trellis.engine.elastic.Blocks.aRunningBlock;
import static dev.trellis.engine.elastic.Blocks.aSite;
import static dev.trellis.engine.elastic.Blocks.at;
import static dev.trellis.engine.elastic.ScalingDecision.DrainReason.IDLE;
import static dev.trellis.engine.elastic.ScalingDecision.DrainReason.WALLTIME;
import static dev.trellis.engine.elastic.ScalingDecision.StopReason.DRAINED;
import static dev.trellis.engine.elastic.ScalingDecision.StopReason.START_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

class ScalingStrategyTest {

    private final ScalingStrategy strategy = new ScalingStrategy();

    private static SiteLoadSnapshot queued(int tasks) {
        return new SiteLoadSnapshot(tasks, 0);
    }

    private static SiteBlocks runningBlocks(int count) {
        return new SiteBlocks(IntStream.rangeClosed(1, count).mapToObj(i -> aRunningBlock("b" + i).busy(1).build()).toList());
    }

    @Nested
    class ScaleOut {

        @Test
        void tenTasksAtParallelismOneTenthStartOneBlock() {
            ScalingDecision decision = strategy.decide(queued(10), SiteBlocks.none(), aSite().parallelism(0.1).build(), T0);

            assertThat(decision.blocksToStart()).isEqualTo(1);
            assertThat(decision.desiredBlocks()).isEqualTo(1);
        }

        @Test
        void tenTasksAtParallelismOneStartTenBlocks() {
            assertThat(strategy.decide(queued(10), SiteBlocks.none(), aSite().parallelism(1).build(), T0).blocksToStart())
                    .isEqualTo(10);
        }

        @Test
        void tenTasksAtParallelismOneHalfStartFiveBlocks() {
            assertThat(strategy.decide(queued(10), SiteBlocks.none(), aSite().parallelism(0.5).build(), T0).blocksToStart())
                    .isEqualTo(5);
        }

        @Test
        void runningTasksAreActiveTasksToo() {
            SiteLoadSnapshot load = new SiteLoadSnapshot(4, 6);

            assertThat(strategy.decide(load, runningBlocks(6), aSite().build(), T0).blocksToStart()).isEqualTo(4);
        }

        @Test
        void missingSlotsAreDividedIntoBlocksRoundingUp() {
            BlockSettings site = aSite().slotsPerBlock(4).build();

            assertThat(strategy.decide(queued(10), SiteBlocks.none(), site, T0).blocksToStart()).isEqualTo(3);
        }

        @Test
        void slotsAreCountedPerBlockSoBlocksFromOlderSettingsKeepTheirSize() {
            SiteBlocks oneBigBlock = SiteBlocks.of(aRunningBlock("big").slots(8).busy(8).build());

            assertThat(strategy.decide(new SiteLoadSnapshot(2, 8), oneBigBlock, aSite().build(), T0).blocksToStart())
                    .isEqualTo(2);
        }

        @Test
        void parallelismIsAppliedInDecimalsSoAWholeNumberOfSlotsIsNotRoundedUpByOne() {
            // 25 × 0.28 is 7.000000000000001 in double arithmetic.
            BlockSettings site = aSite().blocks(0, 0, 100).parallelism(0.28).build();

            assertThat(strategy.decide(queued(25), SiteBlocks.none(), site, T0).blocksToStart()).isEqualTo(7);
        }

        @Test
        void pendingBlocksCountTowardCapacitySoATickDoesNotAskForThemAgain() {
            SiteBlocks onTheirWay = new SiteBlocks(IntStream.rangeClosed(1, 6).mapToObj(i -> aPendingBlock("p" + i).build()).toList());

            ScalingDecision decision = strategy.decide(queued(10), onTheirWay, aSite().build(), at(5));

            assertThat(decision.blocksToStart()).isEqualTo(4);
            assertThat(decision.desiredBlocks()).isEqualTo(10);
        }

        @Test
        void theOneBlockOnItsWayIsEnoughForTenTasksAtParallelismOneTenth() {
            SiteBlocks onItsWay = SiteBlocks.of(aPendingBlock("p1").build());

            assertThat(strategy.decide(queued(10), onItsWay, aSite().parallelism(0.1).build(), at(5)).changesNothing()).isTrue();
        }

        @Test
        void noMoreThanMaxBlocksAreStarted() {
            BlockSettings upToTen = aSite().build();

            assertThat(strategy.decide(queued(100), SiteBlocks.none(), upToTen, T0).blocksToStart()).isEqualTo(10);
            assertThat(strategy.decide(new SiteLoadSnapshot(96, 4), runningBlocks(4), upToTen, T0).blocksToStart()).isEqualTo(6);
            assertThat(strategy.decide(new SiteLoadSnapshot(90, 10), runningBlocks(10), upToTen, T0).blocksToStart()).isZero();
        }

        @Test
        void oneBlockStartsWhenTasksWaitAndNoneExistEvenAtParallelismZero() {
            ScalingDecision decision = strategy.decide(queued(5), SiteBlocks.none(), aSite().parallelism(0).build(), T0);

            assertThat(decision.blocksToStart()).isEqualTo(1);
        }

        @Test
        void atParallelismZeroTheBlocksThereAreAreReused() {
            SiteBlocks one = runningBlocks(1);

            assertThat(strategy.decide(new SiteLoadSnapshot(4, 1), one, aSite().parallelism(0).build(), T0).blocksToStart()).isZero();
        }

        @Test
        void noBlockStartsWithoutTasks() {
            ScalingDecision decision = strategy.decide(SiteLoadSnapshot.idle(), SiteBlocks.none(), aSite().build(), T0);

            assertThat(decision.changesNothing()).isTrue();
            assertThat(decision.desiredBlocks()).isZero();
        }

        @Test
        void blocksAreStartedUpToMinBlocksEvenWithoutTasks() {
            BlockSettings keepTwo = aSite().blocks(2, 2, 10).build();

            ScalingDecision decision = strategy.decide(SiteLoadSnapshot.idle(), SiteBlocks.of(aRunningBlock("b1").build()), keepTwo, T0);

            assertThat(decision.blocksToStart()).isEqualTo(1);
            assertThat(decision.desiredBlocks()).isEqualTo(2);
        }

        @Test
        void goneBlocksCountForNothing() {
            SiteBlocks gone = SiteBlocks.of(aGoneBlock("g1").build(), aGoneBlock("g2").build());

            ScalingDecision decision = strategy.decide(queued(2), gone, aSite().build(), T0);

            assertThat(decision.blocksToStart()).isEqualTo(2);
            assertThat(decision.blocksToStop()).isEmpty();
        }
    }

    @Nested
    class AtStart {

        @Test
        void initBlocksAreAskedForWhenTheSiteStarts() {
            ScalingDecision decision = strategy.atStart(SiteBlocks.none(), aSite().blocks(0, 3, 10).build());

            assertThat(decision.blocksToStart()).isEqualTo(3);
            assertThat(decision.desiredBlocks()).isEqualTo(3);
        }

        @Test
        void blocksTheSiteAlreadyHasCountTowardInitBlocks() {
            SiteBlocks afterRestart = SiteBlocks.of(aRunningBlock("b1").build(), aPendingBlock("b2").build(), aDrainingBlock("b3").build());

            assertThat(strategy.atStart(afterRestart, aSite().blocks(0, 3, 10).build()).blocksToStart()).isEqualTo(1);
        }
    }

    @Nested
    class ScaleIn {

        private final BlockSettings idleAfterTwoMinutes = aSite().maxIdleTime(Duration.ofMinutes(2)).build();

        @Test
        void anIdleBlockIsDrainedOnlyOnceMaxIdleTimeHasPassed() {
            SiteBlocks idleSinceT0 = SiteBlocks.of(aRunningBlock("b1").lastBusyAt(T0).build());

            ScalingDecision early = strategy.decide(SiteLoadSnapshot.idle(), idleSinceT0, idleAfterTwoMinutes, at(119));
            ScalingDecision due = strategy.decide(SiteLoadSnapshot.idle(), idleSinceT0, idleAfterTwoMinutes, at(120));

            assertThat(early.changesNothing()).isTrue();
            assertThat(due.blocksToDrain()).containsExactly(new Drain("b1", IDLE));
            assertThat(due.blocksToStop()).as("drained first, stopped on a later tick").isEmpty();
            assertThat(due.desiredBlocks()).isZero();
        }

        @Test
        void idleBlocksAreDrainedDownToMinBlocksAndNoFurtherLongestIdleFirst() {
            BlockSettings keepOne = aSite().blocks(1, 1, 10).maxIdleTime(Duration.ofMinutes(2)).build();
            SiteBlocks threeIdle = SiteBlocks.of(
                    aRunningBlock("b1").lastBusyAt(at(30)).build(),
                    aRunningBlock("b2").lastBusyAt(at(10)).build(),
                    aRunningBlock("b3").lastBusyAt(at(20)).build());

            ScalingDecision decision = strategy.decide(SiteLoadSnapshot.idle(), threeIdle, keepOne, at(600));

            assertThat(decision.blocksToDrain()).containsExactly(new Drain("b2", IDLE), new Drain("b3", IDLE));
            assertThat(decision.blocksToStart()).isZero();
            assertThat(decision.desiredBlocks()).isEqualTo(1);
        }

        @Test
        void noBlockIsDrainedWhenTheSiteIsAtMinBlocks() {
            BlockSettings keepTwo = aSite().blocks(2, 2, 10).build();
            SiteBlocks twoIdle = SiteBlocks.of(aRunningBlock("b1").build(), aRunningBlock("b2").build());

            assertThat(strategy.decide(SiteLoadSnapshot.idle(), twoIdle, keepTwo, at(3600)).changesNothing()).isTrue();
        }

        @Test
        void aBusyBlockIsNeverDrainedForIdlenessHoweverLongItRuns() {
            SiteBlocks longBusy = SiteBlocks.of(aRunningBlock("b1").busy(1).lastBusyAt(T0).build());

            // Even when the task counts (from the database) and the heartbeat disagree.
            ScalingDecision decision = strategy.decide(SiteLoadSnapshot.idle(), longBusy, idleAfterTwoMinutes, at(86_400));

            assertThat(decision.changesNothing()).isTrue();
        }

        @Test
        void anIdleBlockTheWaitingTasksNeedIsKept() {
            SiteBlocks twoBusyTwoIdle = SiteBlocks.of(
                    aRunningBlock("b1").busy(1).build(),
                    aRunningBlock("b2").busy(1).build(),
                    aRunningBlock("b3").build(),
                    aRunningBlock("b4").build());

            ScalingDecision decision = strategy.decide(new SiteLoadSnapshot(2, 2), twoBusyTwoIdle, idleAfterTwoMinutes, at(600));

            assertThat(decision.changesNothing()).isTrue();
        }

        @Test
        void onlyTheIdleBlocksTheTasksDoNotNeedAreDrained() {
            SiteBlocks oneBusyThreeIdle = SiteBlocks.of(
                    aRunningBlock("b1").busy(1).build(),
                    aRunningBlock("b2").build(),
                    aRunningBlock("b3").build(),
                    aRunningBlock("b4").build());

            ScalingDecision decision = strategy.decide(new SiteLoadSnapshot(1, 1), oneBusyThreeIdle, idleAfterTwoMinutes, at(600));

            assertThat(decision.blocksToDrain()).containsExactly(new Drain("b2", IDLE), new Drain("b3", IDLE));
            assertThat(decision.desiredBlocks()).isEqualTo(2);
        }

        @Test
        void aPendingBlockIsNotDrainedForIdleness() {
            SiteBlocks stillStarting = SiteBlocks.of(aPendingBlock("p1").build());
            BlockSettings slowStart = aSite().startTimeout(Duration.ofHours(1)).build();

            assertThat(strategy.decide(SiteLoadSnapshot.idle(), stillStarting, slowStart, at(600)).changesNothing()).isTrue();
        }

        @Test
        void idleBlocksAboveALoweredMaxBlocksAreDrainedEvenIfTheTasksWantThem() {
            BlockSettings nowAtMostTwo = aSite().blocks(0, 0, 2).build();
            SiteBlocks fourIdle = SiteBlocks.of(
                    aRunningBlock("b1").build(), aRunningBlock("b2").build(),
                    aRunningBlock("b3").build(), aRunningBlock("b4").build());

            ScalingDecision decision = strategy.decide(queued(4), fourIdle, nowAtMostTwo, at(600));

            assertThat(decision.blocksToDrain()).containsExactly(new Drain("b1", IDLE), new Drain("b2", IDLE));
            assertThat(decision.blocksToStart()).isZero();
            assertThat(decision.desiredBlocks()).isEqualTo(2);
        }

        @Test
        void aDrainingBlockThatRunsNothingIsStopped() {
            SiteBlocks drained = SiteBlocks.of(aDrainingBlock("b1").build());

            ScalingDecision decision = strategy.decide(SiteLoadSnapshot.idle(), drained, aSite().build(), at(600));

            assertThat(decision.blocksToStop()).containsExactly(new Stop("b1", DRAINED));
        }

        @Test
        void aDrainingBlockStillRunningATaskIsLeftToFinishIt() {
            SiteBlocks draining = SiteBlocks.of(aDrainingBlock("b1").busy(1).build());

            ScalingDecision decision = strategy.decide(new SiteLoadSnapshot(0, 1), draining, aSite().build(), at(600));

            assertThat(decision.changesNothing()).as("its task needs no new slot either").isTrue();
        }
    }

    @Nested
    class Walltime {

        private final BlockSettings twentyMinutes = aSite().walltime(Duration.ofMinutes(20)).build();
        private final Instant atWalltime = T0.plus(Duration.ofMinutes(20));

        @Test
        void aBlockBeforeItsWalltimeIsLeftAlone() {
            SiteBlocks busy = SiteBlocks.of(aRunningBlock("b1").busy(1).build());

            assertThat(strategy.decide(new SiteLoadSnapshot(0, 1), busy, twentyMinutes, atWalltime.minusSeconds(1)).changesNothing())
                    .isTrue();
        }

        @Test
        void aBlockAtItsWalltimeIsDrainedAndReplacedWhenTasksStillWait() {
            SiteBlocks busy = SiteBlocks.of(aRunningBlock("b1").busy(1).build());

            ScalingDecision decision = strategy.decide(new SiteLoadSnapshot(3, 1), busy, twentyMinutes, atWalltime);

            assertThat(decision.blocksToDrain()).containsExactly(new Drain("b1", WALLTIME));
            assertThat(decision.blocksToStop()).as("its running task is not killed").isEmpty();
            assertThat(decision.blocksToStart()).as("for the 3 queued tasks; b1 finishes its own").isEqualTo(3);
        }

        @Test
        void aBlockAtItsWalltimeIsNotReplacedWhenItsOwnTaskIsAllThereIs() {
            SiteBlocks busy = SiteBlocks.of(aRunningBlock("b1").busy(1).build());

            ScalingDecision decision = strategy.decide(new SiteLoadSnapshot(0, 1), busy, twentyMinutes, atWalltime);

            assertThat(decision.blocksToDrain()).containsExactly(new Drain("b1", WALLTIME));
            assertThat(decision.blocksToStart()).isZero();
        }

        @Test
        void aBlockAtItsWalltimeIsReplacedToKeepMinBlocks() {
            BlockSettings keepOne = aSite().blocks(1, 1, 10).walltime(Duration.ofMinutes(20)).build();

            ScalingDecision decision = strategy.decide(SiteLoadSnapshot.idle(), SiteBlocks.of(aRunningBlock("b1").build()), keepOne, atWalltime);

            assertThat(decision.blocksToDrain()).containsExactly(new Drain("b1", WALLTIME));
            assertThat(decision.blocksToStart()).isEqualTo(1);
        }

        @Test
        void walltimeCountsFromTheBlocksStartNotFromWhenItWasAskedFor() {
            SiteBlocks startedLate = SiteBlocks.of(aRunningBlock("b1").askedFor(T0).startedAt(at(60)).busy(1).build());

            assertThat(strategy.decide(new SiteLoadSnapshot(0, 1), startedLate, twentyMinutes, atWalltime).changesNothing()).isTrue();
        }

        @Test
        void aBlockPastItsWalltimeLeavesOnceDrained() {
            SiteBlocks drainedAfterWalltime = SiteBlocks.of(aDrainingBlock("b1").build());

            ScalingDecision decision = strategy.decide(SiteLoadSnapshot.idle(), drainedAfterWalltime, twentyMinutes, atWalltime.plusSeconds(30));

            assertThat(decision.blocksToStop()).containsExactly(new Stop("b1", DRAINED));
        }
    }

    @Nested
    class StartTimeout {

        private final BlockSettings oneMinute = aSite().startTimeout(Duration.ofMinutes(1)).build();

        @Test
        void aPendingBlockWithinItsStartTimeoutIsWaitedFor() {
            SiteBlocks pending = SiteBlocks.of(aPendingBlock("p1").askedFor(T0).build());

            assertThat(strategy.decide(queued(1), pending, oneMinute, at(59)).changesNothing()).isTrue();
        }

        @Test
        void aPendingBlockPastItsStartTimeoutIsStoppedAsFailedToStartAndReplaced() {
            SiteBlocks pending = SiteBlocks.of(aPendingBlock("p1").askedFor(T0).build());

            ScalingDecision decision = strategy.decide(queued(1), pending, oneMinute, at(60));

            assertThat(decision.blocksToStop()).containsExactly(new Stop("p1", START_TIMED_OUT));
            assertThat(decision.blocksToStart()).isEqualTo(1);
            assertThat(decision.desiredBlocks()).isEqualTo(1);
        }

        @Test
        void aPendingBlockPastItsStartTimeoutIsNotReplacedWhenNothingWaits() {
            SiteBlocks pending = SiteBlocks.of(aPendingBlock("p1").askedFor(T0).build());

            ScalingDecision decision = strategy.decide(SiteLoadSnapshot.idle(), pending, oneMinute, at(60));

            assertThat(decision.blocksToStop()).containsExactly(new Stop("p1", START_TIMED_OUT));
            assertThat(decision.blocksToStart()).isZero();
        }
    }

    @Test
    void theDesiredCountIsThePendingAndRunningBlocksAfterTheDecisionDrainingOnesNotCounted() {
        SiteBlocks site = SiteBlocks.of(
                aRunningBlock("r1").busy(1).build(),
                aRunningBlock("r2").busy(1).build(),
                aPendingBlock("p1").build(),
                aDrainingBlock("d1").busy(1).build());

        ScalingDecision decision = strategy.decide(new SiteLoadSnapshot(3, 3), site, aSite().build(), T0);

        assertThat(decision.blocksToStart()).as("6 active, 1 on the draining block, 3 slots there").isEqualTo(2);
        assertThat(decision.desiredBlocks()).isEqualTo(5);
    }

    @Test
    void wantedSlotsAreActiveTimesParallelismRoundedUpAndAtLeastOneWhenTasksWait() {
        assertThat(ScalingStrategy.wantedSlots(0, 1)).isZero();
        assertThat(ScalingStrategy.wantedSlots(10, 0.1)).isEqualTo(1);
        assertThat(ScalingStrategy.wantedSlots(11, 0.1)).isEqualTo(2);
        assertThat(ScalingStrategy.wantedSlots(3, 0)).isEqualTo(1);
        assertThat(ScalingStrategy.wantedSlots(50, 0.56)).isEqualTo(28);
    }
}
