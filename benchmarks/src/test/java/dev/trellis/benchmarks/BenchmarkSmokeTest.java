package dev.trellis.benchmarks;

import dev.trellis.protocol.WireCodec;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness works end to end at tiny sizes: every figure is one JSON line with a positive value.
 * It proves the benchmark runs; it asserts nothing about speed.
 */
class BenchmarkSmokeTest {

    @Test
    void everyScenarioPrintsOneJsonLinePerFigureWithAPositiveValue() throws IOException {
        Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> homesBefore = BenchmarkHomes.in(temporary);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        BenchmarkCommand command = new BenchmarkCommand(new PrintStream(printed, true, StandardCharsets.UTF_8));

        int exitCode = BenchmarkCommand.commandLine(command).execute("--quick", "--tasks", "50", "--large-tasks", "80",
                "--latency-samples", "20", "--repeats", "2", "--bash-tasks", "20", "--chains", "5", "--chain-length", "5", "--fan-width", "50", "--scale-tasks", "500",
                "--kafka-messages", "2000", "--kafka-round-trips", "50", "--postgres-rows", "2000", "--block-rounds", "1");

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exitCode).as(String.join("\n", lines)).isZero();
        List<Map<String, Object>> figures = lines.stream().map(BenchmarkSmokeTest::parsed).toList();
        assertThat(figures).extracting(f -> f.get("figure")).containsExactlyInAnyOrder(
                "limit_kafka_produce_consume", "limit_kafka_round_trip_p50", "limit_kafka_round_trip_p99",
                "limit_postgres_batched_insert", "single_task_latency_p50", "single_task_latency_p99",
                "single_task_latency_post_then_wait_p50", "single_task_latency_post_then_wait_p99",
                "noop_tasks_one_workflow", "noop_tasks_independent_workflows", "noop_tasks_independent_workflows_batched",
                "noop_tasks_one_workflow", "noop_tasks_independent_workflows", "noop_tasks_independent_workflows_batched",
                "limit_task_files", "bash_tasks", "chain_tasks",
                "fan_out_fan_in_tasks", "cached_rerun_wall_time", "large_dag_submit_time", "large_dag_process_heap",
                "limit_jvm_start", "block_start_to_first_task");
        assertThat(figures).allSatisfy(figure -> {
            assertThat(((Number) figure.get("value")).doubleValue()).as(figure.toString()).isPositive();
            assertThat(figure).containsKeys("unit", "limit", "target", "params");
        });
        // Bash is compared with how fast the same file system creates its tasks' files, measured just before.
        assertThat(figures).filteredOn(f -> "bash_tasks".equals(f.get("figure"))).singleElement()
                .extracting(f -> f.get("limit")).isEqualTo(figures.stream().filter(f -> "limit_task_files".equals(f.get("figure")))
                        .findFirst().orElseThrow().get("value"));
        // The throughput figures come at both sizes, each saying which.
        assertThat(figures).filteredOn(f -> "noop_tasks_one_workflow".equals(f.get("figure")))
                .extracting(f -> (Object) ((Map<?, ?>) f.get("params")).get("tasks")).containsExactly(50, 80);
        assertThat(figures).filteredOn(f -> ((String) f.get("figure")).startsWith("noop_tasks_independent"))
                .extracting(f -> (Object) ((Map<?, ?>) f.get("params")).get("workflows")).containsExactly(50, 50, 80, 80);
        // Each repeated scenario gives the median of its runs and every run; the large size runs once.
        assertThat(figures).filteredOn(f -> ((Map<?, ?>) f.get("params")).containsKey("runs"))
                .extracting(f -> f.get("figure") + " " + ((List<?>) ((Map<?, ?>) f.get("params")).get("runs")).size())
                .containsExactlyInAnyOrder("single_task_latency_p50 2", "single_task_latency_p99 2",
                        "single_task_latency_post_then_wait_p50 2", "single_task_latency_post_then_wait_p99 2",
                        "noop_tasks_one_workflow 2", "noop_tasks_independent_workflows 2", "noop_tasks_independent_workflows_batched 2",
                        "noop_tasks_one_workflow 1", "noop_tasks_independent_workflows 1", "noop_tasks_independent_workflows_batched 1",
                        "bash_tasks 2", "chain_tasks 2", "fan_out_fan_in_tasks 2");
        // Each of them also says the CPU per task its runs took, the machine's where /proc/stat is there.
        assertThat(figures).filteredOn(f -> ((Map<?, ?>) f.get("params")).containsKey("runs")).allSatisfy(figure -> {
            Map<?, ?> params = (Map<?, ?>) figure.get("params");
            Map<?, ?> perTask = (Map<?, ?>) params.get("cpuMsPerTask");
            assertThat(((Number) perTask.get("jvm")).doubleValue()).as(figure.toString()).isPositive();
            if (Files.isReadable(Path.of("/proc/stat"))) {
                assertThat(((Number) perTask.get("machine")).doubleValue()).as(figure.toString()).isPositive();
                assertThat(((Number) params.get("machineBusy")).doubleValue()).as(figure.toString()).isBetween(0.0, 1.05);
            }
        });
        assertThat(BenchmarkHomes.in(temporary)).as("the stack's home is removed once it stopped").containsExactlyInAnyOrderElementsOf(homesBefore);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parsed(String line) {
        return WireCodec.readValue(line, Map.class);
    }
}
