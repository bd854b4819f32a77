package dev.trellis.engine.elastic;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;

import static dev.trellis.engine.elastic.Blocks.aSite;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's two runs (section 2, "Elasticity"): ten 5-second tasks on a site of 0..10 one-slot
 * blocks, here with blocks that take 3 s to come up and a 30 s maxIdleTime.
 */
class SeedRunsTest {

    private static final Duration START_DELAY = Duration.ofSeconds(3);
    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    @Test
    void atParallelismOneTenthEveryTaskRunsOnTheSameBlock() {
        SimulatedSite site = seedSite(0.1);

        site.runFor(Duration.ofMinutes(2));

        assertThat(site.tasksLeft()).isZero();
        assertThat(site.ranOn()).hasSize(10);
        assertThat(new HashSet<>(site.ranOn().values())).containsExactly("b1");
        assertThat(site.blocksAskedFor()).isEqualTo(1);
    }

    @Test
    void atParallelismOneTenBlocksStartAndTheTasksRunOnDifferentOnes() {
        SimulatedSite site = seedSite(1);

        site.runFor(Duration.ofMinutes(2));

        assertThat(site.tasksLeft()).isZero();
        assertThat(new HashSet<>(site.ranOn().values())).hasSize(10);
        assertThat(site.blocksAskedFor()).isEqualTo(10);
    }

    @Test
    void afterTheRunTheBlocksGoBackToMinBlocks() {
        SimulatedSite site = new SimulatedSite(
                aSite().blocks(2, 2, 10).parallelism(1).maxIdleTime(Duration.ofSeconds(30)).build(), START_DELAY, FIVE_SECONDS);
        site.submit(10);

        site.runFor(Duration.ofMinutes(2));

        assertThat(site.tasksLeft()).isZero();
        assertThat(site.liveBlocks()).hasSize(2).allSatisfy(block -> assertThat(block.state()).isEqualTo(BlockState.RUNNING));
    }

    @Test
    void blocksReachingTheirWalltimeMidRunAreReplacedWithoutInterruptingATask() {
        // One block at a time, each living 12 s: ten 5-second tasks need several.
        SimulatedSite site = new SimulatedSite(
                aSite().parallelism(0.1).walltime(Duration.ofSeconds(12)).maxIdleTime(Duration.ofSeconds(30)).build(),
                START_DELAY, FIVE_SECONDS);
        site.submit(10);

        site.runFor(Duration.ofMinutes(3));

        assertThat(site.tasksLeft()).isZero();
        assertThat(site.drains()).extracting(ScalingDecision.Drain::reason).contains(ScalingDecision.DrainReason.WALLTIME);
        assertThat(new HashSet<>(site.ranOn().values())).hasSizeGreaterThan(1);
        assertThat(site.mostBlocksTakingTasks()).as("parallelism 0.1 never wants two blocks at once").isEqualTo(1);
    }

    private static SimulatedSite seedSite(double parallelism) {
        SimulatedSite site = new SimulatedSite(
                aSite().parallelism(parallelism).maxIdleTime(Duration.ofSeconds(30)).build(), START_DELAY, FIVE_SECONDS);
        site.submit(10);
        return site;
    }
}
