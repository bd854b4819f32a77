package dev.trellis.scheduler;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitsTest {

    @Test
    void aBatchLimitBeyondWhatOneRequestCanHoldIsRefusedAtStartUp() {
        assertThat(new SchedulerProperties.Limits(10, DataSize.ofMegabytes(1), 2_000).maxBatchWorkflows()).isEqualTo(2_000);
        assertThatThrownBy(() -> new SchedulerProperties.Limits(10, DataSize.ofMegabytes(1), 2_001))
                .hasMessageContaining("max-batch-workflows must be 1 to 2000, not 2001");
        assertThatThrownBy(() -> new SchedulerProperties.Limits(10, DataSize.ofMegabytes(1), 0))
                .hasMessageContaining("max-batch-workflows");
    }
}
