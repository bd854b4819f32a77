package dev.trellis.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml is valid, starts things in a health-checked order, wires the sites, the
 * shared data volume and the observability stack together, and builds from real Dockerfile targets.
 * Checked on {@code docker-compose config}'s output: anchors merged, variables given their defaults.
 */
class ComposeFileTest {

    private static final List<String> TRELLIS_SERVICES = List.of("scheduler", "checkpoint", "worker-threads", "worker-pilot");
    private static final Pattern SITE_NAME = Pattern.compile("TRELLIS_SCHEDULER_SITES_(\\d+)_NAME");

    static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void resolveComposeFile() {
        String resolved = ExternalTool.DOCKER_COMPOSE.succeed(DeployFiles.ROOT, "--file", DeployFiles.COMPOSE.toString(), "config");
        services = (Map<String, Map<String, Object>>) new Yaml().<Map<String, Object>>load(resolved).get("services");
    }

    @Test
    void composeFilePassesDockerComposeValidation() {
        assertThat(ExternalTool.DOCKER_COMPOSE.run(DeployFiles.ROOT, "--file", DeployFiles.COMPOSE.toString(), "config", "--quiet").exitCode()).isZero();
        assertThat(services).containsKeys("kafka", "postgres", "scheduler", "checkpoint", "worker-threads", "worker-pilot", "prometheus", "grafana");
    }

    @Test
    void servicesStartOnlyOnceWhatTheyNeedIsHealthy() {
        assertThat(dependencies("scheduler")).containsEntry("postgres", "service_healthy").containsEntry("kafka", "service_healthy");
        assertThat(dependencies("checkpoint")).containsEntry("postgres", "service_healthy").containsEntry("kafka", "service_healthy");
        for (String worker : List.of("worker-threads", "worker-pilot")) {
            // Blocks subscribe after the scheduler declared their site's topic.
            assertThat(dependencies(worker)).containsEntry("kafka", "service_healthy").containsEntry("scheduler", "service_healthy");
        }
        assertThat(services.get("kafka")).containsKey("healthcheck");
        assertThat(services.get("postgres")).containsKey("healthcheck");
    }

    @Test
    void eachSchedulerSiteHasAWorkerServiceWithItsSlots() {
        Map<String, String> scheduler = environment("scheduler");
        Map<String, String> slotsBySite = new TreeMap<>();
        scheduler.forEach((name, value) -> {
            Matcher site = SITE_NAME.matcher(name);
            if (site.matches()) {
                slotsBySite.put(value, scheduler.get("TRELLIS_SCHEDULER_SITES_" + site.group(1) + "_SLOTSPERBLOCK"));
            }
        });
        Map<String, String> workerSlotsBySite = services.keySet().stream().filter(s -> s.startsWith("worker-")).map(ComposeFileTest::environment)
                .collect(Collectors.toMap(env -> env.get("TRELLIS_WORKER_SITE"), env -> env.get("TRELLIS_WORKER_SLOTS"), (a, b) -> a, TreeMap::new));

        assertThat(slotsBySite).isEqualTo(Map.of("threads", "4", "pilot", "2"));
        assertThat(workerSlotsBySite).isEqualTo(slotsBySite);
    }

    @Test
    void schedulerAndWorkersShareOneWorkflowDataVolumeAsTheirDataRoot() {
        assertThat(volumes("scheduler")).containsEntry("/data", "workflow-data");
        assertThat(environment("scheduler")).containsEntry("TRELLIS_SCHEDULER_DATAROOT", "/data");
        for (String worker : List.of("worker-threads", "worker-pilot")) {
            assertThat(volumes(worker)).containsEntry("/data", "workflow-data");
            assertThat(environment(worker)).containsEntry("TRELLIS_WORKER_DATAROOT", "/data");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesEveryTrellisServiceAndLoadsTheChartsAlertRules() throws IOException {
        ExternalTool.PROMTOOL.succeed(DeployFiles.ROOT, "check", "config", "--syntax-only", DeployFiles.COMPOSE_PROMETHEUS_CONFIG.toString());
        Map<String, Object> config = new Yaml().load(Files.readString(DeployFiles.COMPOSE_PROMETHEUS_CONFIG));
        String scrapeConfigs = String.valueOf(config.get("scrape_configs"));

        assertThat(scrapeConfigs).contains("scheduler:8080", "checkpoint:8082", "worker-threads", "worker-pilot");
        ((List<Map<String, Object>>) config.get("scrape_configs"))
                .forEach(job -> assertThat(job.get("metrics_path")).as("%s", job.get("job_name")).isEqualTo("/actuator/prometheus"));
        String ruleFile = ((List<String>) config.get("rule_files")).get(0);
        assertThat(volumes("prometheus")).containsEntry(ruleFile, DeployFiles.ALERT_RULES.toString())
                .containsEntry("/etc/prometheus/prometheus.yml", DeployFiles.COMPOSE_PROMETHEUS_CONFIG.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void grafanaProvisionsThePrometheusDataSourceAndTheChartsDashboard() throws IOException {
        Map<String, String> grafanaVolumes = volumes("grafana");
        Path provisioning = Path.of(grafanaVolumes.get("/etc/grafana/provisioning"));
        Map<String, Object> dashboards = new Yaml().load(Files.readString(provisioning.resolve("dashboards/trellis.yml")));
        Map<String, Object> provider = ((List<Map<String, Object>>) dashboards.get("providers")).get(0);
        String dashboardFolder = (String) ((Map<String, Object>) provider.get("options")).get("path");

        assertThat(grafanaVolumes).containsEntry(dashboardFolder + "/trellis-dashboard.json", DeployFiles.DASHBOARD.toString());
        assertThat(Files.readString(provisioning.resolve("datasources/prometheus.yml"))).contains("type: prometheus", "url: http://prometheus:9090");
    }

    @Test
    @SuppressWarnings("unchecked")
    void trellisImagesBuildFromDockerfileTargetsThatRunAsANonRootUserWithAHealthCheck() throws IOException {
        String dockerfile = Files.readString(DeployFiles.DOCKERFILE);
        assertThat(dockerfile).contains("HEALTHCHECK", "/actuator/health/liveness", "-XX:MaxRAMPercentage=");
        for (String service : TRELLIS_SERVICES) {
            Map<String, Object> build = (Map<String, Object>) services.get(service).get("build");
            String target = (String) build.get("target");
            assertThat(Path.of((String) build.get("context"))).isEqualTo(DeployFiles.ROOT);
            Matcher stage = Pattern.compile("(?ms)^FROM \\S+ AS " + Pattern.quote(target) + "$(.*?)(?=^FROM |\\z)").matcher(dockerfile);
            assertThat(stage.find()).as("Dockerfile stage %s for service %s", target, service).isTrue();
            assertThat(stage.group(1)).as("stage %s", target).contains("USER trellis", "EXPOSE ");
        }
        Matcher workerStage = Pattern.compile("(?ms)^FROM \\S+ AS worker-service$(.*?)(?=^FROM |\\z)").matcher(dockerfile);
        assertThat(workerStage.find()).isTrue();
        assertThat(workerStage.group(1)).contains("bash", "python3");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> dependencies(String service) {
        Map<String, Map<String, Object>> dependsOn = (Map<String, Map<String, Object>>) services.get(service).get("depends_on");
        return dependsOn.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue().get("condition"))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(String service) {
        Map<String, Object> environment = (Map<String, Object>) services.get(service).get("environment");
        return environment.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
    }

    /** Mount target to source (a named volume or an absolute host path), from short ("src:dst:mode") or long syntax. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> volumes(String service) {
        Map<String, String> mounts = new TreeMap<>();
        for (Object volume : (List<Object>) services.get(service).get("volumes")) {
            if (volume instanceof Map<?, ?> mount) {
                mounts.put(String.valueOf(mount.get("target")), String.valueOf(mount.get("source")));
            } else {
                String[] parts = String.valueOf(volume).split(":");
                mounts.put(parts[1], parts[0]);
            }
        }
        return mounts;
    }
}
