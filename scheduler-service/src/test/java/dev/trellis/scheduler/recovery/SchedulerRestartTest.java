package dev.trellis.scheduler.recovery;

import dev.trellis.embedded.FreePorts;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.TaskView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerApplication;
import dev.trellis.scheduler.TestBlocks;
import dev.trellis.scheduler.TestJvms;
import dev.trellis.testsupport.DockerWhenRequestedCondition;
import dev.trellis.testsupport.LocalHttp;
import dev.trellis.testsupport.TestInfrastructure;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler killed with SIGKILL in the middle of a workflow and started again on the same
 * database: the workflow resumes and finishes, and no finished task runs twice.
 */
@ExtendWith(DockerWhenRequestedCondition.class)
class SchedulerRestartTest {

    private static final String DATABASE = "scheduler_restart_test";

    @BeforeAll
    static void startBlocks() {
        TestBlocks.ensure("threads", 4);
    }

    @Test
    void workflowResumesAfterTheSchedulerIsKilledAndNothingFinishedRunsTwice() throws Exception {
        int port = FreePorts.pick();
        LocalHttp http = new LocalHttp(port);
        Process first = startScheduler(port, "first");
        SubmissionView submission;
        Process second = null;
        try {
            awaitReady(http, first);
            String spec = """
                    name: restart
                    apps:
                      step:
                        type: bash
                        sites: [threads]
                        command: "sleep 1 && echo {args.n} > {outputs[0]}"
                    tasks:
                      - {id: s0, app: step, args: {n: 0}, outputs: [s0.txt]}
                      - {id: s1, app: step, args: {n: 1}, outputs: [s1.txt], after: [s0]}
                      - {id: s2, app: step, args: {n: 2}, outputs: [s2.txt], after: [s1]}
                      - {id: s3, app: step, args: {n: 3}, outputs: [s3.txt], after: [s2]}
                      - {id: s4, app: step, args: {n: 4}, outputs: [s4.txt], after: [s3]}
                    """;
            submission = WireCodec.readValue(http.post("/api/workflows", "application/yaml", spec).body(), SubmissionView.class);
            awaitSucceeded(http, submission.id(), 2);

            first.destroyForcibly().waitFor();
            second = startScheduler(port, "second");
            awaitReady(http, second);

            WorkflowView done = WireCodec.readValue(
                    http.get("/api/workflows/" + submission.id() + "/wait?timeout=60s&attempts=true").body(), WorkflowView.class);

            assertThat(done.status()).isEqualTo("SUCCEEDED");
            assertThat(done.tasks()).extracting(TaskView::id).containsExactly("s0", "s1", "s2", "s3", "s4");
            for (TaskView task : done.tasks()) {
                // A task that was running when the scheduler died keeps its one attempt: its result waited in Kafka.
                assertThat(task.attempts()).as(task.id()).hasSize(1);
            }
            Path area = TestBlocks.DATA_ROOT.resolve(submission.id());
            for (int i = 0; i < 5; i++) {
                assertThat(Files.readString(area.resolve("s" + i + ".txt")).trim()).isEqualTo(String.valueOf(i));
            }
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroy();
                second.waitFor();
            }
        }
    }

    private static Process startScheduler(int port, String name) throws IOException {
        TestInfrastructure infrastructure = TestInfrastructure.shared();
        Path log = Files.createTempFile("scheduler-" + name, ".log");
        return TestJvms.start(SchedulerApplication.class, List.of(
                "--server.port=" + port, "--spring.main.banner-mode=off",
                "--spring.kafka.bootstrap-servers=" + infrastructure.kafkaBootstrapServers(),
                "--spring.datasource.url=" + infrastructure.jdbcUrl(DATABASE),
                "--spring.datasource.username=" + infrastructure.username(),
                "--spring.datasource.password=" + infrastructure.password(),
                "--trellis.scheduler.consumer-group=restart-test",
                "--trellis.scheduler.data-root=" + TestBlocks.DATA_ROOT,
                "--trellis.scheduler.sites[0].name=threads"), log);
    }

    private static void awaitReady(LocalHttp http, Process scheduler) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && scheduler.isAlive()) {
            try {
                HttpResponse<String> health = http.get("/actuator/health");
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the scheduler did not become healthy (alive: " + scheduler.isAlive() + ")");
    }

    private static void awaitSucceeded(LocalHttp http, String workflowId, int tasks) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            WorkflowView view = WireCodec.readValue(http.get("/api/workflows/" + workflowId).body(), WorkflowView.class);
            if (view.taskCounts().get("SUCCEEDED") >= tasks) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(tasks + " tasks did not succeed in time");
    }

}
