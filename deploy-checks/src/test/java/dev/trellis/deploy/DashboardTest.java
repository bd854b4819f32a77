package dev.trellis.deploy;

import dev.trellis.deploy.ObservabilityQueries.Query;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard both deployments ship: valid queries, portable data source, a sound layout. */
class DashboardTest {

    private final JsonNode dashboard = ObservabilityQueries.dashboardJson();

    @Test
    void everyQueryIsValidPromQl(@TempDir Path dir) throws IOException {
        // promtool checks expressions of recording rules: one rule per dashboard query.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-queries\n    rules:\n");
        List<Query> queries = ObservabilityQueries.dashboard();
        for (int i = 0; i < queries.size(); i++) {
            String expression = ObservabilityQueries.withGrafanaVariablesResolved(queries.get(i).expression());
            rules.append("      - record: dashboard_query_").append(i).append("\n        expr: '").append(expression.replace("'", "''")).append("'\n");
        }
        Files.writeString(dir.resolve("dashboard-queries.yml"), rules);

        assertThat(ExternalTool.PROMTOOL.succeed(dir, "check", "rules", "dashboard-queries.yml"))
                .contains("SUCCESS: " + queries.size() + " rules found");
    }

    @Test
    void everyPanelQueriesTheDataSourceVariableSoAnyGrafanaCanLoadIt() {
        for (JsonNode panel : ObservabilityQueries.panels(dashboard)) {
            if (panel.path("type").asString("").equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asString("")).as(panel.path("title").asString("")).isEqualTo("${datasource}");
            panel.path("targets").forEach(target -> assertThat(target.path("datasource").path("uid").asString("")).isEqualTo("${datasource}"));
        }
        assertThat(dashboard.path("templating").path("list").get(0).path("type").asString("")).isEqualTo("datasource");
    }

    @Test
    void panelsHaveDistinctIdsAndDoNotOverlap() {
        List<JsonNode> panels = ObservabilityQueries.panels(dashboard);
        Set<Integer> ids = new HashSet<>();
        List<int[]> placed = new ArrayList<>();
        for (JsonNode panel : panels) {
            assertThat(ids.add(panel.path("id").asInt())).as("id of %s", panel.path("title")).isTrue();
            JsonNode grid = panel.path("gridPos");
            int[] box = {grid.path("x").asInt(), grid.path("y").asInt(), grid.path("w").asInt(), grid.path("h").asInt()};
            assertThat(box[0] + box[2]).as("%s fits the 24 columns", panel.path("title")).isLessThanOrEqualTo(24);
            for (int[] other : placed) {
                boolean overlaps = box[0] < other[0] + other[2] && other[0] < box[0] + box[2]
                        && box[1] < other[1] + other[3] && other[1] < box[1] + box[3];
                assertThat(overlaps).as("%s overlaps another panel", panel.path("title")).isFalse();
            }
            placed.add(box);
        }
    }

    @Test
    void dashboardShowsWhatOperatorsOfTrellisWatch() {
        assertThat(ObservabilityQueries.panels(dashboard)).extracting(p -> p.path("title").asString("")).contains(
                "Active workflows", "Task throughput by state", "Queue depth per site", "Queue wait per site",
                "Blocks desired vs running per site", "Memo cache hit ratio", "Task run time percentiles", "Dead letters");
    }
}
