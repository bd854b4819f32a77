package dev.trellis.scheduler.elasticity;

import dev.trellis.engine.elastic.BlockSettings;
import dev.trellis.engine.elastic.BlockState;
import dev.trellis.protocol.message.BlockPhase;
import dev.trellis.scheduler.site.BlockRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** How an elastic site's tracked blocks follow heartbeats, drains and losses. */
class ElasticSiteTest {

    private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ElasticSite site = new ElasticSite("pilot", "threads",
            new BlockSettings(2, 0, 0, 4, 1, null, Duration.ofSeconds(30), Duration.ofMinutes(1)), new BlockStartTimes(meters));

    @Test
    void aRequestedBlockIsPendingUntilItsFirstHeartbeatAndItsStartIsTimed() {
        site.requested("pilot-1", T0);
        assertThat(site.get("pilot-1").state()).isEqualTo(BlockState.PENDING);

        site.observe(List.of(heard("pilot-1", T0.plusSeconds(3), T0.plusSeconds(4), 1, BlockPhase.RUNNING, false)), Set.of(), T0.plusSeconds(4));

        assertThat(site.get("pilot-1").state()).isEqualTo(BlockState.RUNNING);
        assertThat(meters.get("trellis.site.block.startup").timer().totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(meters.get("trellis.site.block.first.task").timer().count()).isEqualTo(1);
    }

    @Test
    void aDrainedBlockStaysBusyUntilAHeartbeatSaysItDrains() {
        site.requested("pilot-1", T0);
        site.observe(List.of(heard("pilot-1", T0, T0, 0, BlockPhase.RUNNING, false)), Set.of(), T0);
        site.drained("pilot-1", T0.plusSeconds(1));

        site.observe(List.of(heard("pilot-1", T0, T0.plusSeconds(2), 0, BlockPhase.RUNNING, false)), Set.of(), T0.plusSeconds(2));
        assertThat(site.get("pilot-1").block().busySlots()).as("idle, but said before it heard the drain").isEqualTo(2);
        assertThat(site.get("pilot-1").drainUnheard()).isTrue();

        site.observe(List.of(heard("pilot-1", T0, T0.plusSeconds(3), 0, BlockPhase.DRAINING, false)), Set.of(), T0.plusSeconds(3));
        assertThat(site.get("pilot-1").block().busySlots()).isZero();
        assertThat(site.get("pilot-1").drainUnheard()).isFalse();
    }

    @Test
    void aBlockHeardButNeverAskedForIsAdoptedAndOneOnlyExpectedFromTheDatabaseIsNot() {
        site.observe(List.of(heard("by-hand", T0, T0, 1, BlockPhase.RUNNING, false),
                new BlockRegistry.Block("expected", "pilot", null, 0, 0, 0, List.of(), T0, null, T0, BlockPhase.RUNNING, false)),
                Set.of(), T0);

        assertThat(site.get("by-hand").state()).isEqualTo(BlockState.RUNNING);
        assertThat(site.get("by-hand").requestedAt()).isNull();
        assertThat(site.get("expected")).isNull();
    }

    @Test
    void lostAndEndedBlocksAreGoneAndTheLostOnesAreHandedBackForCleanUp() {
        site.requested("pilot-1", T0);
        site.requested("pilot-2", T0);
        site.observe(List.of(heard("pilot-1", T0, T0, 0, BlockPhase.RUNNING, false)), Set.of(), T0);

        List<TrackedBlock> lost = site.observe(List.of(heard("pilot-1", T0, T0, 0, BlockPhase.RUNNING, true)),
                Set.of("pilot-2"), T0.plusSeconds(20));

        assertThat(lost).extracting(TrackedBlock::id).containsExactly("pilot-1");
        assertThat(site.get("pilot-1").state()).isEqualTo(BlockState.GONE);
        assertThat(site.get("pilot-2").state()).isEqualTo(BlockState.GONE);
        assertThat(site.count(BlockState.GONE)).isEqualTo(2);

        site.observe(List.of(), Set.of(), T0.plus(Duration.ofMinutes(6)));
        assertThat(site.blocks()).as("gone blocks are forgotten after 5 minutes").isEmpty();
    }

    private static BlockRegistry.Block heard(String id, Instant firstSeen, Instant lastSeen, int busy, BlockPhase phase, boolean lost) {
        return new BlockRegistry.Block(id, "pilot", "host", 42, 2, busy, List.of(), firstSeen, busy > 0 ? lastSeen : null,
                lastSeen, phase, lost);
    }
}
