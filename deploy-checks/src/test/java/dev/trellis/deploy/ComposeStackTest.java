package dev.trellis.deploy;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.TaskView;
import dev.trellis.protocol.api.WorkflowView;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml for real, where a Docker engine runs: the images are built, the stack comes up
 * in its health-checked order, and the README's submission runs the example across both sites,
 * watched by Prometheus and Grafana. Skipped without Docker (as on the machine CI runs on now).
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeStackTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Container
    static final ComposeContainer STACK = new ComposeContainer(DeployFiles.COMPOSE.toFile())
            .withBuild(true)
            .withRemoveVolumes(true)
            // The first build compiles the services inside Docker.
            .withStartupTimeout(Duration.ofMinutes(20))
            .withExposedService("scheduler", 8080, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(20)))
            .withExposedService("prometheus", 9090, Wait.forHealthcheck())
            .withExposedService("grafana", 3000, Wait.forHealthcheck());

    @Test
    void theReadmesSubmissionRunsTheExampleAcrossBothSites() throws IOException {
        String example = Files.readString(DeployFiles.EXAMPLE_WORKFLOW);
        HttpResponse<String> created = send(HttpRequest.newBuilder(url("scheduler", 8080, "/api/workflows"))
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(example)));
        assertThat(created.statusCode()).isEqualTo(201);
        String id = WireCodec.readValue(created.body(), SubmissionView.class).id();

        WorkflowView done = WireCodec.readValue(
                send(HttpRequest.newBuilder(url("scheduler", 8080, "/api/workflows/" + id + "/wait?timeout=120s"))).body(), WorkflowView.class);

        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(done.tasks()).extracting(TaskView::site).contains("threads", "pilot");
    }

    @Test
    void prometheusScrapesEveryTrellisServiceAndLoadsTheAlertRules() {
        JsonNode targets = json(url("prometheus", 9090, "/api/v1/targets?state=active")).path("data").path("activeTargets");
        assertThat(targets).extracting(t -> t.path("labels").path("job").asString(""))
                .contains("trellis-scheduler", "trellis-checkpoint", "trellis-workers");
        // Prometheus may not have scraped a target yet: only failures count.
        assertThat(targets).allSatisfy(t -> assertThat(t.path("health").asString("")).as(t.path("scrapeUrl").asString("")).isNotEqualTo("down"));

        JsonNode groups = json(url("prometheus", 9090, "/api/v1/rules")).path("data").path("groups");
        assertThat(groups).extracting(g -> g.path("name").asString("")).contains("trellis");
    }

    @Test
    void grafanaServesTheTrellisDashboard() {
        JsonNode dashboard = json(url("grafana", 3000, "/api/dashboards/uid/trellis-overview"));

        assertThat(dashboard.path("dashboard").path("title").asString("")).isEqualTo("Trellis");
    }

    private static URI url(String service, int port, String path) {
        return URI.create("http://" + STACK.getServiceHost(service, port) + ":" + STACK.getServicePort(service, port) + path);
    }

    private static JsonNode json(URI uri) {
        return JsonMapper.shared().readTree(send(HttpRequest.newBuilder(uri)).body());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
