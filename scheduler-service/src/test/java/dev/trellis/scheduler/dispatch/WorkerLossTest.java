package dev.trellis.scheduler.dispatch;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.AttemptView;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.TaskView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.TestBlocks;
import dev.trellis.testsupport.LocalHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A block killed with SIGKILL mid-task: the task runs again on another block and completes; and
 * one killed while it takes short tasks several at a time loses none of them.
 */
@SchedulerIntegrationTest
class WorkerLossTest {

    @Value("${local.server.port}")
    int port;

    @Test
    void taskOfAKilledBlockRunsAgainElsewhereWithoutUsingARetry() throws Exception {
        LocalHttp http = new LocalHttp(port);
        Path log = Files.createTempFile("victim-block", ".log");
        Process victim = TestBlocks.startProcess("spare", 1, "victim-block", log);
        ConfigurableApplicationContext rescuer = null;
        try {
            String spec = """
                    name: worker-loss
                    settings: {retries: 0}
                    apps:
                      slow:
                        type: bash
                        sites: [spare]
                        command: "sleep 4 && echo done > {outputs[0]}"
                    tasks:
                      - {id: slow, app: slow, outputs: [slow.txt]}
                    """;
            SubmissionView submission = WireCodec.readValue(http.post("/api/workflows", "application/yaml", spec).body(),
                    SubmissionView.class);

            AttemptView first = awaitAttempt(http, submission.id(), a -> "STARTED".equals(a.status()), Duration.ofSeconds(90));
            assertThat(first.blockId()).as(Files.readString(log)).isEqualTo("victim-block");
            victim.destroyForcibly().waitFor();
            rescuer = TestBlocks.start("spare", 1, "rescuer-block");

            WorkflowView done = WireCodec.readValue(
                    http.get("/api/workflows/" + submission.id() + "/wait?timeout=90s&attempts=true").body(), WorkflowView.class);

            assertThat(done.status()).isEqualTo("SUCCEEDED");
            TaskView task = done.tasks().get(0);
            assertThat(task.attempts()).extracting(AttemptView::status).containsExactly("LOST", "SUCCEEDED");
            assertThat(task.attempts()).extracting(AttemptView::blockId).containsExactly("victim-block", "rescuer-block");
            assertThat(task.attempts().get(0).error()).contains("victim-block").contains("heartbeats");
            assertThat(Files.readString(TestBlocks.DATA_ROOT.resolve(submission.id()).resolve("slow.txt"))).isEqualTo("done\n");
        } finally {
            victim.destroyForcibly();
            if (rescuer != null) {
                rescuer.close();
            }
        }
    }

    @Test
    void aContinuationRunningOnAKilledBlockRunsAgainElsewhere() throws Exception {
        LocalHttp http = new LocalHttp(port);
        Path log = Files.createTempFile("continuation-victim-block", ".log");
        Process victim = TestBlocks.startProcess("spare", 1, "continuation-victim-block", log);
        ConfigurableApplicationContext rescuer = null;
        try {
            String spec = """
                    name: continuation-worker-loss
                    settings: {retries: 0}
                    apps:
                      quick: {type: bash, sites: [spare], command: "true"}
                      slow: {type: bash, sites: [spare], command: "sleep 4 && echo done > {outputs[0]}"}
                    tasks:
                      - {id: quick, app: quick}
                      - {id: slow, app: slow, after: [quick], outputs: [slow.txt]}
                    """;
            SubmissionView submission = WireCodec.readValue(http.post("/api/workflows", "application/yaml", spec).body(),
                    SubmissionView.class);
            // slow rode aboard quick's message: it runs on the victim from quick's success, never sent on its own.
            AttemptView riding = awaitAttempt(http, submission.id(), "slow", a -> "STARTED".equals(a.status()), Duration.ofSeconds(90));
            assertThat(riding.blockId()).as(Files.readString(log)).isEqualTo("continuation-victim-block");
            victim.destroyForcibly().waitFor();
            rescuer = TestBlocks.start("spare", 1, "continuation-rescuer-block");

            WorkflowView done = WireCodec.readValue(
                    http.get("/api/workflows/" + submission.id() + "/wait?timeout=90s&attempts=true").body(), WorkflowView.class);

            assertThat(done.status()).as(Files.readString(log)).isEqualTo("SUCCEEDED");
            TaskView slow = done.tasks().stream().filter(t -> t.id().equals("slow")).findFirst().orElseThrow();
            assertThat(slow.attempts()).extracting(AttemptView::status).containsExactly("LOST", "SUCCEEDED");
            assertThat(slow.attempts()).extracting(AttemptView::blockId)
                    .containsExactly("continuation-victim-block", "continuation-rescuer-block");
            assertThat(Files.readString(TestBlocks.DATA_ROOT.resolve(submission.id()).resolve("slow.txt"))).isEqualTo("done\n");
        } finally {
            victim.destroyForcibly();
            if (rescuer != null) {
                rescuer.close();
            }
        }
    }

    @Test
    void manyShortTasksOfABlockKilledMidStreamAllSucceed() throws Exception {
        LocalHttp http = new LocalHttp(port);
        Path log = Files.createTempFile("busy-victim-block", ".log");
        // Four slots, so the block takes tasks several to a poll and reports STARTED without waiting.
        Process victim = TestBlocks.startProcess("spare", 4, "busy-victim-block", log);
        ConfigurableApplicationContext rescuer = null;
        try {
            String spec = """
                    name: busy-worker-loss
                    settings: {retries: 0}
                    apps:
                      nap: {type: java, function: sleep, version: "1", sites: [spare]}
                    tasks:
                      - {id: "nap-{i}", app: nap, count: 200, args: {millis: 40}}
                    """;
            SubmissionView submission = WireCodec.readValue(http.post("/api/workflows", "application/yaml", spec).body(),
                    SubmissionView.class);
            awaitSucceeded(http, submission.id(), 20, Duration.ofSeconds(90), log);

            victim.destroyForcibly().waitFor();
            rescuer = TestBlocks.start("spare", 2, "busy-rescuer-block");

            WorkflowView done = WireCodec.readValue(
                    http.get("/api/workflows/" + submission.id() + "/wait?timeout=120s").body(), WorkflowView.class);

            assertThat(done.status()).isEqualTo("SUCCEEDED");
            assertThat(done.taskCounts()).containsEntry("SUCCEEDED", 200);
        } finally {
            victim.destroyForcibly();
            if (rescuer != null) {
                rescuer.close();
            }
        }
    }

    private static void awaitSucceeded(LocalHttp http, String workflowId, int tasks, Duration timeout, Path log)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            WorkflowView view = WireCodec.readValue(http.get("/api/workflows/" + workflowId).body(), WorkflowView.class);
            if (view.taskCounts().getOrDefault("SUCCEEDED", 0) >= tasks) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + tasks + " tasks succeeded within " + timeout + "\n" + Files.readString(log));
    }

    private static AttemptView awaitAttempt(LocalHttp http, String workflowId, Predicate<AttemptView> condition,
                                            Duration timeout) throws InterruptedException {
        return awaitAttempt(http, workflowId, null, condition, timeout);
    }

    /** The first attempt of {@code taskId} (of the first task when null), once it matches. */
    private static AttemptView awaitAttempt(LocalHttp http, String workflowId, String taskId, Predicate<AttemptView> condition,
                                            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            WorkflowView view = WireCodec.readValue(http.get("/api/workflows/" + workflowId + "?attempts=true").body(), WorkflowView.class);
            List<AttemptView> attempts = view.tasks().stream().filter(t -> taskId == null || t.id().equals(taskId))
                    .findFirst().orElseThrow().attempts();
            if (!attempts.isEmpty() && condition.test(attempts.get(0))) {
                return attempts.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no matching attempt within " + timeout);
    }
}
