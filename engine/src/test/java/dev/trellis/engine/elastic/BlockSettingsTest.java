package dev.trellis.engine.elastic;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockSettingsTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void theSeedsSettingsAreValid() {
        assertThatCode(() -> new BlockSettings(1, 0, 0, 10, 0.1, Duration.ofMinutes(20), MINUTE, MINUTE))
                .doesNotThrowAnyException();
    }

    @Test
    void parallelismZeroOneAndNoWalltimeAreAllowed() {
        assertThatCode(() -> new BlockSettings(1, 0, 0, 1, 0, null, Duration.ZERO, MINUTE)).doesNotThrowAnyException();
        assertThatCode(() -> new BlockSettings(1, 0, 0, 1, 1, null, MINUTE, MINUTE)).doesNotThrowAnyException();
    }

    @Test
    void initBlocksBelowMinBlocksIsRejected() {
        assertThatThrownBy(() -> new BlockSettings(1, 1, 2, 10, 1, null, MINUTE, MINUTE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid block settings: blocks must satisfy minBlocks <= initBlocks <= maxBlocks, not 2 <= 1 <= 10");
    }

    @Test
    void initBlocksAboveMaxBlocksIsRejected() {
        assertThatThrownBy(() -> new BlockSettings(1, 11, 0, 10, 1, null, MINUTE, MINUTE))
                .hasMessageContaining("minBlocks <= initBlocks <= maxBlocks, not 0 <= 11 <= 10");
    }

    @Test
    void parallelismOutsideZeroToOneIsRejected() {
        assertThatThrownBy(() -> new BlockSettings(1, 0, 0, 10, 1.5, null, MINUTE, MINUTE))
                .hasMessageContaining("parallelism must be between 0 and 1, not 1.5");
        assertThatThrownBy(() -> new BlockSettings(1, 0, 0, 10, -0.1, null, MINUTE, MINUTE))
                .hasMessageContaining("parallelism must be between 0 and 1, not -0.1");
        assertThatThrownBy(() -> new BlockSettings(1, 0, 0, 10, Double.NaN, null, MINUTE, MINUTE))
                .hasMessageContaining("parallelism must be between 0 and 1, not NaN");
    }

    @Test
    void aBlockNeedsAtLeastOneSlotAndASiteAtLeastOneBlock() {
        assertThatThrownBy(() -> new BlockSettings(0, 0, 0, 10, 1, null, MINUTE, MINUTE))
                .hasMessageContaining("slotsPerBlock must be at least 1, not 0");
        assertThatThrownBy(() -> new BlockSettings(1, 0, 0, 0, 1, null, MINUTE, MINUTE))
                .hasMessageContaining("maxBlocks must be at least 1 (a site without blocks runs nothing), not 0");
    }

    @Test
    void durationsMustMakeSense() {
        assertThatThrownBy(() -> new BlockSettings(1, 0, 0, 10, 1, Duration.ZERO, MINUTE, MINUTE))
                .hasMessageContaining("walltime must be positive (or unset for none), not PT0S");
        assertThatThrownBy(() -> new BlockSettings(1, 0, 0, 10, 1, null, null, MINUTE))
                .hasMessageContaining("maxIdleTime must be zero or more, not null");
        assertThatThrownBy(() -> new BlockSettings(1, 0, 0, 10, 1, null, MINUTE.negated(), MINUTE))
                .hasMessageContaining("maxIdleTime must be zero or more, not PT-1M");
        assertThatThrownBy(() -> new BlockSettings(1, 0, 0, 10, 1, null, MINUTE, Duration.ZERO))
                .hasMessageContaining("startTimeout must be positive, not PT0S");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> new BlockSettings(0, 0, -1, 10, 2, null, MINUTE, MINUTE))
                .hasMessage("invalid block settings: slotsPerBlock must be at least 1, not 0; "
                        + "minBlocks must not be negative, not -1; parallelism must be between 0 and 1, not 2.0");
    }

    @Test
    void theTestSiteIsTheSeedsSite() {
        BlockSettings site = Blocks.aSite().build();

        assertThat(site.slotsPerBlock()).isEqualTo(1);
        assertThat(site.minBlocks()).isZero();
        assertThat(site.initBlocks()).isZero();
        assertThat(site.maxBlocks()).isEqualTo(10);
    }
}
