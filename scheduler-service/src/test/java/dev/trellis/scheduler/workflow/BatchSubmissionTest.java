package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.protocol.spec.WorkflowSpec;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.SchedulerProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static dev.trellis.scheduler.workflow.WorkflowApi.WORKFLOWS;
import static dev.trellis.scheduler.workflow.WorkflowApi.problem;
import static dev.trellis.scheduler.workflow.WorkflowApi.resultOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/workflows/batch}: many workflows in one request and one transaction, each then
 * a workflow of its own; all accepted or none.
 */
@SchedulerIntegrationTest
class BatchSubmissionTest extends WorkflowApiTestBase {

    @Autowired
    WorkflowCoordinator coordinator;

    @Test
    void eachWorkflowOfABatchRunsOnItsOwnAndAnswersInTheOrderGiven() {
        String prefix = "batch-" + UUID.randomUUID();
        HttpResponse<String> response = api.post(WORKFLOWS + "/batch", """
                - name: %1$s-chain
                  apps: {sum: {type: java, function: sum}, echo: {type: java, function: echo}}
                  tasks:
                    - {id: a, app: sum, args: {values: [1, 2]}}
                    - {id: b, app: echo, args: {value: "${a.result}"}}
                - name: %1$s-failing
                  settings: {errorPolicy: lazy}
                  apps: {sum: {type: java, function: sum}, echo: {type: java, function: echo}}
                  tasks:
                    - {id: broken, app: sum, args: {values: not-a-list}}
                    - {id: fine, app: echo, args: {value: 7}}
                - name: %1$s-single
                  apps: {echo: {type: java, function: echo}}
                  tasks: [{id: only, app: echo, args: {value: 42}}]
                """.formatted(prefix));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        List<SubmissionView> submissions = List.of(WireCodec.readValue(response.body(), SubmissionView[].class));
        assertThat(submissions).extracting(SubmissionView::name)
                .containsExactly(prefix + "-chain", prefix + "-failing", prefix + "-single");
        assertThat(submissions).extracting(SubmissionView::id).doesNotHaveDuplicates();
        assertThat(submissions).extracting(SubmissionView::taskCount).containsExactly(2, 2, 1);

        WorkflowView chain = api.awaitFinished(submissions.get(0).id());
        WorkflowView failing = api.awaitFinished(submissions.get(1).id());
        WorkflowView single = api.awaitFinished(submissions.get(2).id());
        assertThat(chain.status()).isEqualTo("SUCCEEDED");
        assertThat(resultOf(chain, "b")).isEqualTo(3);
        assertThat(failing.status()).as("one workflow's failure stays its own").isEqualTo("FAILED");
        assertThat(resultOf(failing, "fine")).isEqualTo(7);
        assertThat(single.status()).isEqualTo("SUCCEEDED");
        assertThat(resultOf(single, "only")).isEqualTo(42);
    }

    @Test
    void manySmallWorkflowsOfABatchAllFinishWithTheirOwnResults() {
        String name = "batch-many-" + UUID.randomUUID();
        List<Map<String, Object>> documents = IntStream.range(0, 60).mapToObj(i -> Map.<String, Object>of(
                "name", name,
                "labels", Map.of("index", String.valueOf(i)),
                "apps", Map.of("echo", Map.of("type", "java", "function", "echo")),
                "tasks", List.of(Map.of("id", "only", "app", "echo", "args", Map.of("value", i))))).toList();

        HttpResponse<String> response = api.http().post(WORKFLOWS + "/batch", "application/json", WireCodec.writeString(documents));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        List<SubmissionView> submissions = List.of(WireCodec.readValue(response.body(), SubmissionView[].class));
        assertThat(submissions).hasSize(60);
        for (int i = 0; i < submissions.size(); i++) {
            WorkflowView done = api.awaitFinished(submissions.get(i).id());
            assertThat(done.status()).isEqualTo("SUCCEEDED");
            assertThat(done.labels()).containsEntry("index", String.valueOf(i));
            assertThat(resultOf(done, "only")).isEqualTo(i);
            assertThat(done.finishedAtMillis()).isNotNull();
        }
    }

    @Test
    void anInvalidWorkflowInABatchIsNamedByItsIndexAndNoneIsStored() {
        String name = "batch-rejected-" + UUID.randomUUID();
        Map<String, Object> problem = problem(api.post(WORKFLOWS + "/batch", """
                - name: %1$s
                  apps: {echo: {type: java, function: echo}}
                  tasks: [{id: fine, app: echo, args: {value: 1}}]
                - name: %1$s
                  apps: {echo: {type: java, function: echo}}
                  tasks: [{id: wrong, app: ehco, args: {value: 1}}]
                """.formatted(name)), 400);

        assertThat(problem).containsEntry("type", "https://trellis.dev/problems/invalid-workflow");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) problem.get("errors");
        assertThat(errors).singleElement().satisfies(error ->
                assertThat(error).containsEntry("path", "$[1].tasks[0].app").containsEntry("code", "unknown-app"));
        assertThat(api.listByName(name)).as("the valid one was not accepted either").isEmpty();
    }

    @Test
    void anEmptyBatchOrOneThatIsNoListIsABadRequest() {
        Map<String, Object> empty = problem(api.http().post(WORKFLOWS + "/batch", "application/json", "[]"), 400);
        Map<String, Object> notAList = problem(api.http().post(WORKFLOWS + "/batch", "application/json",
                "{\"name\": \"x\", \"tasks\": []}"), 400);

        assertThat((String) empty.get("detail")).contains("a batch of 1 to 1000 workflows");
        assertThat(notAList).containsEntry("type", "https://trellis.dev/problems/malformed-workflow");
    }

    /** Concurrent single submissions share transactions (see {@code GroupCommit}); each caller still gets its own answer. */
    @Test
    void concurrentSingleSubmissionsAreEachAcceptedOnceWithTheirOwnAnswerAndAnInvalidOneFailsAlone() throws Exception {
        String name = "concurrent-" + UUID.randomUUID();
        int submissions = 60;
        ExecutorService clients = Executors.newFixedThreadPool(12);
        try {
            List<Future<SubmissionView>> accepted = IntStream.range(0, submissions).mapToObj(i -> clients.submit(() -> api.submit("""
                    name: %s
                    labels: {index: "%d"}
                    apps: {echo: {type: java, function: echo}}
                    tasks: [{id: only, app: echo, args: {value: %d}}]
                    """.formatted(name, i, i)))).toList();
            Future<HttpResponse<String>> invalid = clients.submit(() -> api.post(WORKFLOWS, """
                    name: %s
                    apps: {echo: {type: java, function: echo}}
                    tasks: [{id: wrong, app: ehco}]
                    """.formatted(name)));

            assertThat(problem(invalid.get(60, TimeUnit.SECONDS), 400))
                    .containsEntry("type", "https://trellis.dev/problems/invalid-workflow");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < submissions; i++) {
                SubmissionView submission = accepted.get(i).get(60, TimeUnit.SECONDS);
                ids.add(submission.id());
                WorkflowView done = api.awaitFinished(submission.id());
                assertThat(done.labels()).as("the answer names this caller's workflow").containsEntry("index", String.valueOf(i));
                assertThat(done.status()).isEqualTo("SUCCEEDED");
                assertThat(resultOf(done, "only")).isEqualTo(i);
            }
            assertThat(ids).doesNotHaveDuplicates();
            assertThat(api.listByName(name)).hasSize(submissions);
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * The largest batch a deployment may allow is stored holding all of its workflows' locks, one
     * stack frame each, so it is written alone, never joined with requests arriving meanwhile (see
     * {@code GroupCommit}). Here it runs on a thread with half the usual stack while single
     * submissions arrive, and every workflow of both is accepted once and finishes.
     */
    @Test
    void theLargestBatchAllowedIsStoredOnAHalfSizeStackWhileSingleSubmissionsArriveAndAllFinish() throws Exception {
        String name = "batch-largest-" + UUID.randomUUID();
        int batchSize = SchedulerProperties.Limits.MAX_BATCH_WORKFLOWS;
        List<WorkflowSpec> specs = IntStream.range(0, batchSize).mapToObj(i -> WireCodec.readSpec("""
                name: %s
                labels: {index: "%d"}
                apps: {echo: {type: java, function: echo}}
                tasks: [{id: only, app: echo, args: {value: %d}}]
                """.formatted(name, i, i))).toList();
        FutureTask<List<WorkflowCoordinator.ActiveWorkflowSummary>> batch = new FutureTask<>(() -> coordinator.submitAll(specs.stream().map(WireCodec.SubmittedSpec::of).toList(), true));
        int singles = 40;
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<SubmissionView>> single = IntStream.range(0, singles).mapToObj(i -> clients.submit(() -> api.submit("""
                    name: %s
                    apps: {echo: {type: java, function: echo}}
                    tasks: [{id: only, app: echo, args: {value: single}}]
                    """.formatted(name)))).toList();
            new Thread(null, batch, "largest-batch", 512 * 1024).start();

            List<WorkflowCoordinator.ActiveWorkflowSummary> stored = batch.get(120, TimeUnit.SECONDS);
            assertThat(stored).hasSize(batchSize);
            for (Future<SubmissionView> submission : single) {
                assertThat(submission.get(60, TimeUnit.SECONDS).status()).isEqualTo("RUNNING");
            }
            WorkflowView first = api.awaitFinished(stored.get(0).id().toString());
            WorkflowView last = api.awaitFinished(stored.get(batchSize - 1).id().toString());
            assertThat(first.labels()).as("answers come in the order given").containsEntry("index", "0");
            assertThat(last.labels()).containsEntry("index", String.valueOf(batchSize - 1));
            assertThat(resultOf(last, "only")).isEqualTo(batchSize - 1);
            assertThat(countByName(name, "RUNNING", Duration.ofSeconds(120))).as("none still running").isZero();
            assertThat(countByName(name, "SUCCEEDED", Duration.ZERO)).isEqualTo(batchSize + singles);
        } finally {
            clients.shutdownNow();
        }
    }

    /** How many workflows named {@code name} have {@code status}, waiting up to {@code patience} for none to. */
    private int countByName(String name, String status, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            int count = 0;
            for (int page = 0; ; page++) {
                HttpResponse<String> response = api.http().get(WORKFLOWS + "?name=" + name + "&status=" + status + "&size=500&page=" + page);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                int found = WireCodec.readValue(response.body(), WorkflowView[].class).length;
                count += found;
                if (found < 500) {
                    break;
                }
            }
            if (count == 0 || System.nanoTime() > deadline) {
                return count;
            }
            WorkflowApi.sleep(Duration.ofMillis(200));
        }
    }
}
