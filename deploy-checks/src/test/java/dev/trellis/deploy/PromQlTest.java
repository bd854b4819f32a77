package dev.trellis.deploy;

import dev.trellis.deploy.PromQl.Selector;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The selector scanner the exported-metrics check relies on finds every metric and nothing else. */
class PromQlTest {

    @Test
    void findsTheMetricInsideFunctionsAndAggregations() {
        assertThat(PromQl.selectors("histogram_quantile(0.95, sum by (site, le) (rate(trellis_task_queue_wait_seconds_bucket{site=~\"$site\"}[$__rate_interval])))"))
                .containsExactly(new Selector("trellis_task_queue_wait_seconds_bucket", Set.of("site")));
    }

    @Test
    void findsEveryOperandOfBinaryAndSetOperators() {
        String expression = """
                (sum by (site) (trellis_site_queue_depth) > 0)
                  and on (site) (sum by (site) (trellis_worker_slots) - sum by (site) (trellis_worker_slots_busy) > 0)
                  unless on (site) (sum by (site) (increase(trellis_tasks_transitions_total{state="RUNNING", app!~"a|b"}[10m])) > 0)
                """;

        assertThat(PromQl.selectors(expression)).containsExactly(
                new Selector("trellis_site_queue_depth", Set.of()),
                new Selector("trellis_worker_slots", Set.of()),
                new Selector("trellis_worker_slots_busy", Set.of()),
                new Selector("trellis_tasks_transitions_total", Set.of("state", "app")));
    }

    @Test
    void skipsOffsetsGroupingModifiersAndStringsThatLookLikeNames() {
        String expression = "sum(a_total unless a_total offset 15m) by (service) / on (service) group_left (topic) b{x=\"not_a_metric{y}\"}";

        assertThat(PromQl.selectors(expression)).extracting(Selector::metric).containsExactly("a_total", "a_total", "b");
    }
}
