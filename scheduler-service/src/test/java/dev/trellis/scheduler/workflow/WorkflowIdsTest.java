package dev.trellis.scheduler.workflow;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class WorkflowIdsTest {

    @Test
    void idsAreVersionSevenAndFollowTheOrderTheyWereMadeIn() {
        long before = System.currentTimeMillis();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(WorkflowIds.next());
        }
        long after = System.currentTimeMillis();

        assertThat(ids).allSatisfy(id -> {
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
        });
        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }
}
