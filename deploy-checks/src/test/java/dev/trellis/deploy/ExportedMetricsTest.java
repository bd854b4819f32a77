package dev.trellis.deploy;

import dev.trellis.checkpoint.CheckpointApplication;
import dev.trellis.deploy.ObservabilityQueries.Query;
import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerApplication;
import dev.trellis.testsupport.DockerWhenRequestedCondition;
import dev.trellis.testsupport.LocalHttp;
import dev.trellis.testsupport.TopicProbe;
import dev.trellis.testsupport.TrellisInfrastructureInitializer;
import dev.trellis.worker.WorkerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric the dashboard and the alert rules name is one a running Trellis service exports,
 * carrying the labels their matchers use. The three services run in-process on a real broker and
 * database, as deployed: the scheduler with the seed's two sites, a block per site, the
 * checkpoint-service. The README's example workflow runs across both sites and one unreadable
 * report is dead-lettered, so the meters that appear on first use exist when they are scraped.
 */
@ExtendWith(DockerWhenRequestedCondition.class)
class ExportedMetricsTest {

    private static final Path DATA_ROOT = Path.of("target/test-data").toAbsolutePath();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");

    private static final List<ConfigurableApplicationContext> SERVICES = new ArrayList<>();
    /** Metric name to the label names its samples carry, over every service. */
    private static final Map<String, Set<String>> EXPORTED = new TreeMap<>();

    @BeforeAll
    static void runTheServicesAWorkflowAndADeadLetter() throws IOException {
        // One after another: the test database of each kind of service is created on its first start.
        SERVICES.addAll(List.of(
                start(SchedulerApplication.application(),
                        "--trellis.scheduler.sites[0].name=threads", "--trellis.scheduler.sites[0].slots-per-block=4",
                        "--trellis.scheduler.sites[1].name=pilot", "--trellis.scheduler.sites[1].slots-per-block=2",
                        // An elastic site, so the desired-blocks gauge the dashboard plots is exported.
                        "--trellis.scheduler.sites[2].name=elastic", "--trellis.scheduler.sites[2].slots-per-block=1",
                        "--trellis.scheduler.sites[2].blocks.max-blocks=4",
                        "--trellis.scheduler.data-root=" + DATA_ROOT),
                start(CheckpointApplication.application()),
                start(WorkerApplication.application(), "--trellis.worker.site=threads", "--trellis.worker.slots=4",
                        "--trellis.worker.data-root=" + DATA_ROOT),
                start(WorkerApplication.application(), "--trellis.worker.site=pilot", "--trellis.worker.slots=2",
                        "--trellis.worker.data-root=" + DATA_ROOT)));

        LocalHttp scheduler = http(SERVICES.get(0));
        String example = Files.readString(DeployFiles.EXAMPLE_WORKFLOW);
        SubmissionView submitted = WireCodec.readValue(scheduler.post("/api/workflows", "application/yaml", example).body(), SubmissionView.class);
        WorkflowView finished = WireCodec.readValue(scheduler.get("/api/workflows/" + submitted.id() + "/wait?timeout=120s").body(), WorkflowView.class);
        assertThat(finished.status()).as("the example workflow").isEqualTo("SUCCEEDED");

        TopicProbe.send(Topics.RESULTS, "unreadable-report", "\u0000not a report".getBytes(StandardCharsets.UTF_8));
        awaitDeadLetterCounted(scheduler);

        SERVICES.forEach(service -> collect(http(service).get("/actuator/prometheus").body()));
    }

    @AfterAll
    static void stopTheServices() {
        for (int i = SERVICES.size() - 1; i >= 0; i--) {
            SERVICES.get(i).close();
        }
    }

    @Test
    void everyMetricTheDashboardQueriesIsExported() {
        assertThat(notExported(ObservabilityQueries.dashboard())).isEmpty();
    }

    @Test
    void everyMetricTheAlertRulesQueryIsExported() {
        assertThat(notExported(ObservabilityQueries.alerts())).isEmpty();
    }

    @Test
    void aMetricNobodyExportsOrALabelItLacksIsReported() {
        List<Query> pending = List.of(
                new Query("panel 'Blocks wanted'", "sum by (site) (trellis_site_blocks_wanted)"),
                new Query("panel 'Queue depth'", "trellis_site_queue_depth{queue=\"main\"}"));

        assertThat(notExported(pending)).containsExactly(
                "panel 'Blocks wanted': trellis_site_blocks_wanted is not exported",
                "panel 'Queue depth': trellis_site_queue_depth has no label queue (it has [service, site])");
    }

    /** What the queries name that no service exports, one line per problem. */
    private static List<String> notExported(List<Query> queries) {
        List<String> problems = new ArrayList<>();
        for (Query query : queries) {
            for (PromQl.Selector selector : PromQl.selectors(query.expression())) {
                Set<String> labels = EXPORTED.get(selector.metric());
                if (labels == null) {
                    problems.add(query.source() + ": " + selector.metric() + " is not exported");
                    continue;
                }
                selector.labels().stream().filter(label -> !labels.contains(label)).forEach(label -> problems.add(
                        query.source() + ": " + selector.metric() + " has no label " + label + " (it has " + labels + ")"));
            }
        }
        return problems;
    }

    private static void collect(String scrape) {
        for (String line : scrape.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.find()) {
                continue;
            }
            Set<String> labels = EXPORTED.computeIfAbsent(sample.group(1), name -> new TreeSet<>());
            if (sample.group(2) != null) {
                LABEL.matcher(sample.group(2)).results().map(label -> label.group(1)).forEach(labels::add);
            }
        }
    }

    private static void awaitDeadLetterCounted(LocalHttp scheduler) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!scheduler.get("/actuator/prometheus").body().contains("trellis_kafka_dead_letters_total{")) {
            assertThat(System.nanoTime()).as("the dead letter is counted within 30 s").isLessThan(deadline);
            sleep();
        }
    }

    /** Each service as deployed: its own config file, the shared broker and database, a random port. */
    private static ConfigurableApplicationContext start(SpringApplicationBuilder application, String... arguments) {
        List<String> args = new ArrayList<>(List.of(arguments));
        args.addAll(List.of("--server.port=0", "--spring.main.banner-mode=off"));
        return application.initializers(new TrellisInfrastructureInitializer()).run(args.toArray(String[]::new));
    }

    private static LocalHttp http(ConfigurableApplicationContext service) {
        return new LocalHttp(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
