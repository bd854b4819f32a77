package dev.trellis.scheduler.elasticity;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.DesiredBlocksView;
import dev.trellis.protocol.api.SiteView;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.TestBlocks;
import dev.trellis.testsupport.LocalHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.core.type.TypeReference;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The seed's elasticity in terms an external scaler carries out: the blocks each elastic site wants. */
@SchedulerIntegrationTest
class ElasticSitesTest {

    private static final TypeReference<List<SiteView>> SITES = new TypeReference<>() { };

    @Value("${local.server.port}")
    int port;

    @BeforeAll
    static void startBlocks() {
        TestBlocks.ensure("threads", 4);
    }

    @Test
    void tenWaitingTasksMakeAnEagerSiteWantTenBlocksAndALeanSiteOneAndNoneOnceCancelled() {
        LocalHttp http = new LocalHttp(port);
        SubmissionView submission = WireCodec.readValue(http.post("/api/workflows", "application/yaml", """
                name: elastic-demand
                apps:
                  eager_app: {type: bash, sites: [eager], command: "sleep 5"}
                  lean_app: {type: bash, sites: [lean], command: "sleep 5"}
                tasks:
                  - {id: "eager-{i}", app: eager_app, count: 10}
                  - {id: "lean-{i}", app: lean_app, count: 10}
                """).body(), SubmissionView.class);

        awaitDesired(http, "eager", 10);
        awaitDesired(http, "lean", 1);
        assertThat(http.get("/actuator/prometheus").body())
                .contains("trellis_site_blocks_desired{service=\"scheduler-service\",site=\"eager\"} 10.0");

        http.post("/api/workflows/" + submission.id() + "/cancel", "application/json", "");

        awaitDesired(http, "eager", 0);
        awaitDesired(http, "lean", 0);
    }

    @Test
    void sitesListTheirProviderAndTheBlocksHeardFromAndStaticSitesHaveNoDesiredCount() {
        LocalHttp http = new LocalHttp(port);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        SiteView threads;
        do {
            threads = WireCodec.readValue(http.get("/api/sites").body(), SITES).stream()
                    .filter(s -> s.name().equals("threads")).findFirst().orElseThrow();
        } while (threads.blocks().isEmpty() && System.nanoTime() < deadline);

        assertThat(threads.provider()).isEqualTo("static");
        assertThat(threads.desiredBlocks()).isNull();
        assertThat(threads.blocks()).anySatisfy(b -> {
            assertThat(b.id()).isEqualTo("threads-test-block");
            assertThat(b.state()).isEqualTo("RUNNING");
            assertThat(b.slots()).isEqualTo(4);
        });
        assertThat(threads.slots()).isGreaterThanOrEqualTo(4);
        assertThat(http.get("/actuator/prometheus").body())
                .contains("trellis_site_slots{service=\"scheduler-service\",site=\"threads\"}")
                .contains("trellis_site_utilization{service=\"scheduler-service\",site=\"threads\"}")
                .contains("trellis_site_blocks{service=\"scheduler-service\",site=\"lean\",state=\"PENDING\"}");
        assertThat(http.get("/api/sites/threads/desired-blocks").statusCode()).isEqualTo(404);
        assertThat(http.get("/api/sites/nowhere").statusCode()).isEqualTo(404);
        assertThat(http.get("/api/sites/nowhere").body()).contains("https://trellis.dev/problems/not-found");
    }

    private static void awaitDesired(LocalHttp http, String site, int blocks) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int seen = -1;
        while (System.nanoTime() < deadline) {
            seen = WireCodec.readValue(http.get("/api/sites/" + site + "/desired-blocks").body(), DesiredBlocksView.class)
                    .desiredBlocks();
            if (seen == blocks) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("site " + site + " wanted " + seen + " blocks, not " + blocks);
    }
}
