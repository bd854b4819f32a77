package dev.trellis.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The deployment files under test, in the repository this module sits in. */
final class DeployFiles {

    static final Path ROOT = repositoryRoot();
    static final Path CHART = ROOT.resolve("helm/trellis");
    /** The one dashboard: the chart ships it, docker-compose mounts it into Grafana. */
    static final Path DASHBOARD = CHART.resolve("files/grafana/trellis-dashboard.json");
    /** The one set of alert rules: the chart wraps it in a PrometheusRule, docker-compose mounts it into Prometheus. */
    static final Path ALERT_RULES = CHART.resolve("files/prometheus/trellis-alerts.yml");
    static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
    static final Path COMPOSE_PROMETHEUS_CONFIG = ROOT.resolve("deploy/compose/prometheus/prometheus.yml");
    static final Path DOCKERFILE = ROOT.resolve("Dockerfile");
    static final Path EXAMPLE_WORKFLOW = ROOT.resolve("examples/multi-site.yaml");
    /** The standalone launcher, {@code ./trellis run|serve}. */
    static final Path LAUNCHER = ROOT.resolve("trellis");

    private DeployFiles() {
    }

    /** Surefire runs in the module's folder; the repository root is the first parent with docker-compose.yml. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isDirectory(dir.resolve("helm"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root with docker-compose.yml above " + Path.of("").toAbsolutePath());
    }
}
