package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.TaskView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.protocol.memo.CheckpointView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.TestBlocks;
import dev.trellis.scheduler.TestCheckpointService;
import dev.trellis.testsupport.LocalHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.core.type.TypeReference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.trellis.scheduler.workflow.WorkflowApi.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Section 3 of the seed ("Fault tolerance and caching"): app caching and checkpoint/restart. */
@SchedulerIntegrationTest
class CachingTest {

    private static final TypeReference<List<CheckpointView>> CHECKPOINTS = new TypeReference<>() { };

    @Value("${local.server.port}")
    int port;

    @BeforeAll
    static void start() {
        TestBlocks.ensure("threads", 4);
        TestCheckpointService.start();
    }

    @Test
    void slowMessageRunsOnceForTwoIdenticalCallsAndAgainForANewArgument() {
        WorkflowApi api = new WorkflowApi(port);
        WorkflowView done = api.awaitFinished(api.submit("""
                name: caching
                apps:
                  slow_message:
                    type: python
                    cache: true
                    sites: [threads]
                    source: |
                      def slow_message(message):
                          import time
                          time.sleep(1)
                          return message
                tasks:
                  - {id: first, app: slow_message, args: {message: Hello World}}
                  - {id: second, app: slow_message, args: {message: Hello World}}
                  - {id: third, app: slow_message, args: {message: Hello World!}}
                """).id());

        assertThat(done.status()).isEqualTo("SUCCEEDED");
        TaskView first = task(done, "first");
        TaskView second = task(done, "second");
        TaskView third = task(done, "third");
        assertThat(List.of(first, second)).extracting(TaskView::result).containsOnly("Hello World");
        assertThat(third.result()).isEqualTo("Hello World!");
        // Exactly one of the two identical calls ran; the other took its result without running.
        assertThat(List.of(first.state(), second.state())).containsExactlyInAnyOrder("SUCCEEDED", "CACHED");
        assertThat(first.attempts().size() + second.attempts().size()).isEqualTo(1);
        assertThat(third.state()).isEqualTo("SUCCEEDED");
        assertThat(third.attempts()).hasSize(1);
    }

    @Test
    void rerunFromTheLatestCheckpointExecutesNoTask() {
        WorkflowApi api = new WorkflowApi(port);
        String name = "slow-double-" + UUID.randomUUID();
        WorkflowView first = api.awaitFinished(api.submit(slowDouble(name, "checkpoint: {mode: task_exit}")).id());
        assertThat(first.status()).isEqualTo("SUCCEEDED");
        assertThat(first.tasks()).allSatisfy(t -> assertThat(t.attempts()).hasSize(1));
        awaitCheckpointedResults(name, 5);

        WorkflowView rerun = api.awaitFinished(api.submit(slowDouble(name, "checkpoint: {mode: task_exit, resumeFrom: [latest]}")).id());

        assertThat(rerun.status()).isEqualTo("SUCCEEDED");
        assertThat(rerun.tasks()).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo("CACHED");
            assertThat(t.attempts()).isEmpty();
        });
        assertThat(rerun.tasks()).extracting(TaskView::id, t -> ((Number) t.result()).intValue())
                .containsExactlyElementsOf(first.tasks().stream()
                        .map(t -> tuple(t.id(), ((Number) t.result()).intValue())).toList());
    }

    @Test
    void withoutAResumeChoiceARerunRunsEverythingAgain() {
        WorkflowApi api = new WorkflowApi(port);
        String name = "no-resume-" + UUID.randomUUID();
        api.awaitFinished(api.submit(slowDouble(name, "checkpoint: {mode: task_exit}")).id());
        awaitCheckpointedResults(name, 5);

        WorkflowView rerun = api.awaitFinished(api.submit(slowDouble(name, "checkpoint: {mode: task_exit}")).id());

        assertThat(rerun.tasks()).allSatisfy(t -> assertThat(t.state()).isEqualTo("SUCCEEDED"));
    }

    @Test
    void changedInputFileContentsCauseARerunAndUnchangedOnesDoNot() {
        WorkflowApi api = new WorkflowApi(port);
        String name = "input-digest-" + UUID.randomUUID();
        WorkflowView first = api.awaitFinished(api.submit(countChars(name, "abc", "")).id());
        assertThat(WorkflowApi.resultOf(first, "count")).isEqualTo(3);
        awaitCheckpointedResults(name, 1);

        WorkflowView same = api.awaitFinished(api.submit(countChars(name, "abc", ", resumeFrom: [latest]")).id());
        WorkflowView changed = api.awaitFinished(api.submit(countChars(name, "abcd", ", resumeFrom: [latest]")).id());

        assertThat(task(same, "count").state()).isEqualTo("CACHED");
        assertThat(WorkflowApi.resultOf(same, "count")).isEqualTo(3);
        assertThat(task(changed, "count").state()).isEqualTo("SUCCEEDED");
        assertThat(task(changed, "count").attempts()).hasSize(1);
        assertThat(WorkflowApi.resultOf(changed, "count")).isEqualTo(4);
    }

    @Test
    void cachedOutputsAreCopiedIntoTheRerunAndAnAlteredOrDeletedOneCausesARerun() throws Exception {
        WorkflowApi api = new WorkflowApi(port);
        String name = "outputs-" + UUID.randomUUID();
        SubmissionView original = api.submit(makeFile(name, ""));
        api.awaitFinished(original.id());
        awaitCheckpointedResults(name, 1);

        WorkflowView reused = api.awaitFinished(api.submit(makeFile(name, ", resumeFrom: [latest]")).id());
        assertThat(task(reused, "make").state()).isEqualTo("CACHED");
        assertThat(Files.readString(TestBlocks.DATA_ROOT.resolve(reused.id()).resolve("made.txt"))).isEqualTo("made\n");

        // The reusing run is now the newest with a checkpoint, and its copy is the recorded output.
        awaitCheckpointedResults(name, 2);
        Path recorded = TestBlocks.DATA_ROOT.resolve(reused.id()).resolve("made.txt");
        Files.writeString(recorded, "tampered\n");
        WorkflowView rerun = api.awaitFinished(api.submit(makeFile(name, ", resumeFrom: [latest]")).id());

        assertThat(task(rerun, "make").state()).isEqualTo("SUCCEEDED");
        assertThat(task(rerun, "make").attempts()).hasSize(1);
        assertThat(Files.readString(TestBlocks.DATA_ROOT.resolve(rerun.id()).resolve("made.txt"))).isEqualTo("made\n");

        // The rerun's result is the newest checkpointed one now; deleting its output makes the next run rerun too.
        awaitCheckpointedResults(name, 3);
        Files.delete(TestBlocks.DATA_ROOT.resolve(rerun.id()).resolve("made.txt"));
        WorkflowView afterDelete = api.awaitFinished(api.submit(makeFile(name, ", resumeFrom: [latest]")).id());

        assertThat(task(afterDelete, "make").state()).isEqualTo("SUCCEEDED");
        assertThat(task(afterDelete, "make").attempts()).hasSize(1);
    }

    @Test
    void refreshRunsEveryTaskEvenWithACheckpointToResumeFrom() {
        WorkflowApi api = new WorkflowApi(port);
        String name = "refresh-" + UUID.randomUUID();
        api.awaitFinished(api.submit(slowDouble(name, "checkpoint: {mode: task_exit}")).id());
        awaitCheckpointedResults(name, 5);

        WorkflowView refreshed = api.awaitFinished(api.submit(
                slowDouble(name, "checkpoint: {mode: task_exit, resumeFrom: [latest], refresh: true}")).id());

        assertThat(refreshed.tasks()).allSatisfy(t -> assertThat(t.attempts()).hasSize(1));
    }

    @Test
    void workflowExitModeWritesOneCheckpointWithEveryResultWhenTheWorkflowEnds() {
        WorkflowApi api = new WorkflowApi(port);
        String name = "at-exit-" + UUID.randomUUID();

        api.awaitFinished(api.submit(slowDouble(name, "checkpoint: {mode: workflow_exit}")).id());

        awaitCheckpointedResults(name, 5);
        assertThat(checkpoints(name)).singleElement().satisfies(c -> {
            assertThat(c.mode()).isEqualTo("workflow_exit");
            assertThat(c.entryCount()).isEqualTo(5);
        });
    }

    @Test
    void manualModeCheckpointsOnlyWhenAskedAndPeriodicModeWithoutBeingAsked() throws InterruptedException {
        WorkflowApi api = new WorkflowApi(port);
        String manual = "manual-" + UUID.randomUUID();
        String periodic = "periodic-" + UUID.randomUUID();
        SubmissionView manualRun = api.submitOpen(slowDouble(manual, "checkpoint: {mode: manual}"));
        SubmissionView periodicRun = api.submitOpen(slowDouble(periodic, "checkpoint: {mode: periodic, periodSeconds: 1}"));
        api.awaitView(manualRun.id(), "five results", v -> v.taskCounts().get("SUCCEEDED") + v.taskCounts().get("CACHED") == 5);

        awaitCheckpointedResults(periodic, 5);
        Thread.sleep(1500); // a periodic checkpoint would have come by now; a manual one must not
        assertThat(checkpoints(manual)).isEmpty();

        String body = api.http().post("/api/workflows/" + manualRun.id() + "/checkpoint", "application/json", "").body();

        assertThat(body).contains("checkpointId");
        awaitCheckpointedResults(manual, 5);
        assertThat(checkpoints(manual)).singleElement().satisfies(c -> assertThat(c.mode()).isEqualTo("manual"));
        api.http().post("/api/workflows/" + manualRun.id() + "/seal", "application/json", "");
        api.http().post("/api/workflows/" + periodicRun.id() + "/seal", "application/json", "");
    }

    private static List<CheckpointView> checkpoints(String workflowName) {
        return WireCodec.readValue(new LocalHttp(TestCheckpointService.PORT)
                .get("/api/checkpoints?workflowName=" + workflowName).body(), CHECKPOINTS);
    }

    static String slowDouble(String name, String checkpoint) {
        return """
                name: %s
                settings:
                  %s
                apps:
                  slow_double:
                    type: python
                    cache: true
                    sites: [threads]
                    source: |
                      def slow_double(x):
                          import time
                          time.sleep(0.5)
                          return x * 2
                tasks:
                  - {id: "d-{i}", app: slow_double, count: 5, args: {x: "{i}"}}
                """.formatted(name, checkpoint);
    }

    private static String countChars(String name, String text, String resume) {
        return """
                name: %s
                settings:
                  checkpoint: {mode: task_exit%s}
                apps:
                  write: {type: bash, sites: [threads], command: "printf %%s {args.text} > {outputs[0]}"}
                  count:
                    type: python
                    cache: true
                    sites: [threads]
                    source: |
                      def count(inputs):
                          return len(open(inputs[0]).read())
                tasks:
                  - {id: write, app: write, args: {text: %s}, outputs: [text.txt]}
                  - {id: count, app: count, inputs: ["${write.outputs[0]}"]}
                """.formatted(name, resume, text);
    }

    private static String makeFile(String name, String resume) {
        return """
                name: %s
                settings:
                  checkpoint: {mode: task_exit%s}
                apps:
                  make: {type: bash, cache: true, sites: [threads], command: "echo made > {outputs[0]}"}
                tasks:
                  - {id: make, app: make, outputs: [made.txt]}
                """.formatted(name, resume);
    }

    /** Checkpoints reach the checkpoint-service through Kafka, a moment after the tasks end. */
    static void awaitCheckpointedResults(String workflowName, int results) {
        LocalHttp checkpointService = new LocalHttp(TestCheckpointService.PORT);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            List<CheckpointView> checkpoints = WireCodec.readValue(
                    checkpointService.get("/api/checkpoints?workflowName=" + workflowName).body(), CHECKPOINTS);
            seen = checkpoints.stream().mapToInt(CheckpointView::entryCount).sum();
            if (seen >= results) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError(workflowName + ": " + seen + " of " + results + " results checkpointed within 60 s");
    }
}
