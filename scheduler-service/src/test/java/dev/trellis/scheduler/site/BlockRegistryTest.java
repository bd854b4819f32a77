package dev.trellis.scheduler.site;

import dev.trellis.protocol.message.BlockPhase;
import dev.trellis.protocol.message.HeartbeatMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BlockRegistryTest {

    private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final BlockRegistry registry = new BlockRegistry();

    @Test
    void aBlockThatSaysItStoppedIsLostAtOnceAndOnlyOnce() {
        registry.heard(heartbeat("b1", 0, BlockPhase.STOPPED), T0);

        assertThat(registry.markLost(T0.plusMillis(1), TIMEOUT)).extracting(BlockRegistry.Block::blockId).containsExactly("b1");
        assertThat(registry.markLost(T0.plusMillis(2), TIMEOUT)).isEmpty();
        assertThat(registry.liveSlots("site")).isZero();
    }

    @Test
    void aSilentBlockIsLostAfterTheTimeoutAndAHeartbeatingOneIsNot() {
        registry.heard(heartbeat("silent", 0, BlockPhase.RUNNING), T0);
        registry.heard(heartbeat("alive", 0, BlockPhase.RUNNING), T0);
        registry.heard(heartbeat("alive", 0, BlockPhase.DRAINING), T0.plusSeconds(9));

        assertThat(registry.markLost(T0.plusSeconds(11), TIMEOUT)).extracting(BlockRegistry.Block::blockId)
                .containsExactly("silent");
    }

    @Test
    void aBlockRemembersWhenItWasFirstHeardAndFirstBusy() {
        registry.heard(heartbeat("b1", 0, BlockPhase.RUNNING), T0);
        registry.heard(heartbeat("b1", 1, BlockPhase.RUNNING), T0.plusSeconds(2));
        registry.heard(heartbeat("b1", 0, BlockPhase.RUNNING), T0.plusSeconds(4));

        BlockRegistry.Block block = registry.all().iterator().next();
        assertThat(block.firstSeen()).isEqualTo(T0);
        assertThat(block.firstBusy()).isEqualTo(T0.plusSeconds(2));
        assertThat(block.lastSeen()).isEqualTo(T0.plusSeconds(4));
        assertThat(registry.busySlots("site")).isZero();
    }

    private static HeartbeatMessage heartbeat(String blockId, int busy, BlockPhase phase) {
        return new HeartbeatMessage(HeartbeatMessage.CURRENT_VERSION, "site", blockId, blockId + "/1", "host", 1, 2, busy,
                List.of(), 0, phase);
    }
}
