package dev.trellis.standalone;

import dev.trellis.embedded.FreePorts;
import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.testsupport.LocalHttp;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.logging.LoggingSystem;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The standalone mode as a user runs it: `trellis run` on the seed's multi-site example with its
 * own Kafka and Postgres, then a second start on the same home that still knows the workflow.
 */
class StandaloneModeTest {

    @Test
    void runPrintsTheTotalAndItsDataSurvivesARestart(@TempDir Path home) throws Exception {
        int[] ports = {FreePorts.pick(), FreePorts.pick(), FreePorts.pick(), FreePorts.pick()};
        String[] stack = {"--home", home.toString(), "--http-port", String.valueOf(ports[0]),
                "--checkpoint-port", String.valueOf(ports[1]), "--kafka-port", String.valueOf(ports[2]),
                "--postgres-port", String.valueOf(ports[3])};

        Run run = run(stack, "../examples/multi-site.yaml");
        String output = run.output();

        assertThat(run.exitCode()).as(output).isZero();
        assertThat(output).contains("Trellis ready in").contains("SUCCEEDED 7");
        String totalLine = output.lines().filter(l -> l.startsWith("total ")).findFirst().orElseThrow();
        long printedTotal = Long.parseLong(totalLine.substring(totalLine.lastIndexOf(' ') + 1));
        String workflowId = output.lines().filter(l -> l.startsWith("Workflow ")).findFirst().orElseThrow().split(" ")[1];
        long expected = 0;
        for (int i = 0; i < 5; i++) {
            expected += Long.parseLong(Files.readString(
                    home.resolve("data").resolve(workflowId).resolve("random-" + i + ".txt")).trim());
        }
        assertThat(printedTotal).isEqualTo(expected);

        try (StandaloneStack restarted = StandaloneStack.start(StackOptions.parse(stack))) {
            WorkflowView again = WireCodec.readValue(new LocalHttp(ports[0]).get("/api/workflows/" + workflowId).body(),
                    WorkflowView.class);
            assertThat(again.status()).isEqualTo("SUCCEEDED");
            assertThat(again.tasks()).hasSize(7);
            assertThat(home.resolve("tomcat")).as("each service's Tomcat works in the stack's home")
                    .isDirectoryContaining("glob:**/scheduler").isDirectoryContaining("glob:**/checkpoint")
                    .isDirectoryContaining("glob:**/worker-threads");
            try (Stream<Path> temporary = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                assertThat(temporary.map(path -> path.getFileName().toString()))
                        .as("nothing of Tomcat's for the stack's ports left in the temporary directory, which no one cleans")
                        .noneMatch(name -> name.startsWith("tomcat." + ports[0] + ".") || name.startsWith("tomcat." + ports[1] + "."));
            }
            assertThat(System.getProperty(LoggingSystem.SYSTEM_PROPERTY))
                    .as("one Logback configuration for all the contexts: each resetting it while the others start can fail a start")
                    .isEqualTo(LoggingSystem.NONE);
            try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, restarted.kafkaBootstrapServers()))) {
                Map<String, Integer> partitions = new HashMap<>();
                admin.describeTopics(List.of(Topics.tasks("threads"), Topics.tasks("pilot"), Topics.tasks("elastic"), Topics.RESULTS))
                        .allTopicNames().get().forEach((topic, description) -> partitions.put(topic, description.partitions().size()));
                assertThat(partitions).as("fixed sites have one block here; the elastic one up to 10")
                        .isEqualTo(Map.of(Topics.tasks("threads"), 4, Topics.tasks("pilot"), 4, Topics.tasks("elastic"), 10, Topics.RESULTS, 4));
            }
        }
    }

    @Test
    void theElasticityExampleRunsEveryTaskInOneBlockTheSchedulerStarted(@TempDir Path home) throws Exception {
        String[] stack = {"--home", home.toString(), "--http-port", String.valueOf(FreePorts.pick()),
                "--checkpoint-port", String.valueOf(FreePorts.pick()), "--kafka-port", String.valueOf(FreePorts.pick()),
                "--postgres-port", String.valueOf(FreePorts.pick()), "--site", "threads:1"};

        Run run = run(stack, "../examples/elasticity.yaml");
        String output = run.output();

        assertThat(run.exitCode()).as(output).isZero();
        assertThat(output).contains("SUCCEEDED 10");
        List<String> pids = output.lines().filter(l -> l.startsWith("task-")).map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertThat(pids).as(output).hasSize(10);
        assertThat(Set.copyOf(pids)).as("parallelism 0.1: one block, one interpreter").hasSize(1);
        assertThat(ProcessHandle.current().pid()).as("the block is a process of its own")
                .isNotEqualTo(Long.parseLong(pids.get(0)));
        assertThat(home.resolve("blocks")).isDirectoryContaining("glob:**elastic-*.log");
    }

    @Test
    void anElasticSiteOptionWithoutMaxBlocksIsRejectedWithAClearMessage() {
        StackOptions options = new StackOptions();
        new CommandLine(options).parseArgs("--elastic-site", "elastic:1");
        assertThat(catchThrowable(options::elasticSiteSpecs)).hasMessageContaining("NAME:SLOTS:MAX_BLOCKS");
    }

    @Test
    void aSiteOptionWithoutSlotsIsRejectedWithAClearMessage() {
        StackOptions options = new StackOptions();
        new CommandLine(options).parseArgs("--site", "threads");
        assertThat(catchThrowable(options::siteSpecs))
                .hasMessageContaining("NAME:SLOTS");
    }

    private record Run(int exitCode, String output) {
    }

    /** {@code trellis run} on a workflow file, with what it printed. */
    private static Run run(String[] stack, String workflow) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = System.out;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            int exitCode = new CommandLine(new TrellisCommand()).execute(concat(new String[]{"run"}, stack,
                    new String[]{Path.of(workflow).toString()}));
            return new Run(exitCode, printed.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(console);
        }
    }

    private static String[] concat(String[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray(String[]::new);
    }

}
