package dev.trellis.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The alert rules both deployments load pass promtool's checks and fire exactly when their unit tests say. */
class AlertRulesTest {

    @Test
    void rulesPassPromtoolCheck() {
        assertThat(ExternalTool.PROMTOOL.succeed(DeployFiles.ROOT, "check", "rules", DeployFiles.ALERT_RULES.toString()))
                .contains("SUCCESS: " + ObservabilityQueries.alertRules().size() + " rules found");
    }

    @Test
    void alertsFireOnlyInTheSituationsTheirUnitTestsDescribe(@TempDir Path dir) throws IOException {
        // promtool reads rule_files relative to the test file: both go into one folder.
        Files.copy(DeployFiles.ALERT_RULES, dir.resolve("trellis-alerts.yml"));
        try (InputStream tests = getClass().getResourceAsStream("/prometheus/trellis-alerts-test.yml")) {
            Files.copy(tests, dir.resolve("trellis-alerts-test.yml"));
        }

        assertThat(ExternalTool.PROMTOOL.succeed(dir, "test", "rules", "trellis-alerts-test.yml")).contains("SUCCESS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertHasASeverityASummaryAndADescription() {
        assertThat(ObservabilityQueries.alertRules()).isNotEmpty().allSatisfy(rule -> {
            assertThat((Map<String, Object>) rule.get("labels")).as("%s", rule.get("alert")).containsKey("severity");
            assertThat((Map<String, Object>) rule.get("annotations")).as("%s", rule.get("alert")).containsKeys("summary", "description");
        });
    }
}
