package dev.trellis.engine.elastic;

import org.junit.jupiter.api.Test;

import static dev.trellis.engine.elastic.Blocks.T0;
import static dev.trellis.engine.elastic.Blocks.aDrainingBlock;
import static dev.trellis.engine.elastic.Blocks.aGoneBlock;
import static dev.trellis.engine.elastic.Blocks.aPendingBlock;
import static dev.trellis.engine.elastic.Blocks.aRunningBlock;
import static dev.trellis.engine.elastic.Blocks.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockTest {

    @Test
    void aRequestedBlockIsPendingAndHasNotStarted() {
        Block block = Block.requested("b1", 4, T0);

        assertThat(block.state()).isEqualTo(BlockState.PENDING);
        assertThat(block.slots()).isEqualTo(4);
        assertThat(block.busySlots()).isZero();
        assertThat(block.pendingSince()).isEqualTo(T0);
        assertThat(block.startedAt()).isNull();
        assertThat(block.idleSince()).as("not idle: not started").isNull();
    }

    @Test
    void theFirstHeartbeatOfAPendingBlockMeansItIsRunning() {
        Block block = aPendingBlock("b1").build().heartbeat(0, at(8));

        assertThat(block.state()).isEqualTo(BlockState.RUNNING);
        assertThat(block.startedAt()).isEqualTo(at(8));
        assertThat(block.idleSince()).as("idle from its start").isEqualTo(at(8));
    }

    @Test
    void aHeartbeatWithABusySlotMarksWhenTheBlockWasLastBusy() {
        Block block = aRunningBlock("b1").slots(2).build().heartbeat(1, at(10)).heartbeat(2, at(20));

        assertThat(block.busySlots()).isEqualTo(2);
        assertThat(block.lastBusyAt()).isEqualTo(at(20));
        assertThat(block.idleSince()).as("busy").isNull();
    }

    @Test
    void anIdleBlockIsIdleSinceTheLastHeartbeatThatFoundItBusy() {
        Block block = aRunningBlock("b1").build().heartbeat(1, at(10)).heartbeat(0, at(20)).heartbeat(0, at(30));

        assertThat(block.idleSince()).isEqualTo(at(10));
    }

    @Test
    void aHeartbeatKeepsADrainingBlockDraining() {
        Block block = aDrainingBlock("b1").busy(1).build().heartbeat(0, at(10));

        assertThat(block.state()).isEqualTo(BlockState.DRAINING);
        assertThat(block.busySlots()).isZero();
    }

    @Test
    void aBlockToldToDrainCountsEverySlotBusyUntilItsDrainingHeartbeat() {
        Block idle = Block.requested("b1", 4, T0).heartbeat(0, T0.plusSeconds(1));

        Block draining = idle.drain(T0.plusSeconds(2));

        assertThat(draining.state()).isEqualTo(BlockState.DRAINING);
        assertThat(draining.busySlots()).isEqualTo(4);
        assertThat(draining.heartbeat(0, T0.plusSeconds(3)).busySlots()).isZero();
    }

    @Test
    void aLateHeartbeatFromAGoneBlockChangesNothing() {
        Block gone = aGoneBlock("b1").build();

        assertThat(gone.heartbeat(1, at(10))).isSameAs(gone);
    }

    @Test
    void aBlockCannotHaveMoreBusySlotsThanSlots() {
        assertThatThrownBy(() -> aRunningBlock("b1").slots(2).busy(3).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("block 'b1' cannot have 3 busy slots of 2");
        assertThatThrownBy(() -> aRunningBlock("b1").build().heartbeat(2, at(1)))
                .hasMessage("block 'b1' cannot have 2 busy slots of 1");
    }

    @Test
    void aRunningBlockMustHaveStarted() {
        assertThatThrownBy(() -> aRunningBlock("b1").startedAt(null).build())
                .hasMessage("block 'b1' is RUNNING but never started");
    }

    @Test
    void aSiteListsEachBlockOnce() {
        assertThatThrownBy(() -> SiteBlocks.of(aRunningBlock("b1").build(), aPendingBlock("b1").build()))
                .hasMessage("block 'b1' is listed twice");
    }

    @Test
    void aSitesCapacityIsItsPendingAndRunningBlocks() {
        SiteBlocks site = SiteBlocks.of(
                aPendingBlock("p").slots(4).build(),
                aRunningBlock("r").slots(2).build(),
                aDrainingBlock("d").slots(8).build(),
                aGoneBlock("g").slots(16).build());

        assertThat(site.capacityBlocks()).isEqualTo(2);
        assertThat(site.capacitySlots()).isEqualTo(6);
        assertThat(site.inState(BlockState.DRAINING)).extracting(Block::id).containsExactly("d");
    }
}
