package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.store.TaskRow;
import dev.trellis.scheduler.store.WorkflowStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.trellis.scheduler.workflow.WorkflowApi.WORKFLOWS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /{id}/wait} answers a workflow that finishes while it waits from the rows the
 * scheduler just wrote, held in memory: the answer must be what {@code GET /{id}} reads back from
 * Postgres.
 */
@SchedulerIntegrationTest
class WaitForWorkflowTest extends WorkflowApiTestBase {

    @Autowired
    WorkflowCoordinator coordinator;

    @Autowired
    WorkflowStore store;

    @Test
    void aWorkflowFinishingDuringTheWaitIsAnsweredWithWhatPostgresHolds() {
        SubmissionView submitted = api.submit("""
                name: wait-answer
                labels: {team: data, run: "7"}
                settings: {errorPolicy: lazy, retries: 1}
                apps:
                  slow: {type: bash, command: "sleep 1"}
                  broken: {type: bash, command: "sleep 1; echo 'no disk' >&2; exit 4"}
                  echo: {type: java, function: echo}
                tasks:
                  - {id: slow, app: slow}
                  - {id: broken, app: broken}
                  - {id: needs-broken, app: echo, args: {value: "${broken.result}"}}
                  - {id: record, app: echo, args: {value: {zz: [1, 2.5, "x"], a: {nested: true}, "n": null}}, after: [slow]}
                  - {id: text-2, app: echo, args: {value: "two"}, after: [slow]}
                  - {id: text-10, app: echo, args: {value: "ten"}, after: [slow]}
                """);

        JsonNode waited = json(api.http().get(WORKFLOWS + "/" + submitted.id() + "/wait?timeout=60s"));

        assertThat(waited.get("status").asString()).isEqualTo("FAILED");
        assertThat(waited).as("the answer of /wait against GET's, which reads Postgres")
                .isEqualTo(json(api.http().get(WORKFLOWS + "/" + submitted.id())));
        WorkflowView view = WireCodec.readValue(waited.toString(), WorkflowView.class);
        assertThat(view.labels()).containsEntry("team", "data").containsEntry("run", "7");
        assertThat(view.tasks()).extracting("id").containsExactly("broken", "needs-broken", "record", "slow", "text-2", "text-10");
        assertThat(WorkflowApi.task(view, "broken").attempt()).as("retried once").isEqualTo(2);
        assertThat(WorkflowApi.task(view, "broken").error()).contains("exit code 4");
        assertThat(view.taskCounts()).containsEntry("SUCCEEDED", 4).containsEntry("FAILED", 1).containsEntry("DEPENDENCY_FAILED", 1);
    }

    @Test
    void anOpenWorkflowSealedAndFinishedDuringTheWaitShowsItsAddedTasksAndItsSeal() {
        SubmissionView submitted = api.submitOpen("""
                name: wait-open
                apps:
                  slow: {type: bash, command: "sleep 1"}
                  echo: {type: java, function: echo}
                tasks:
                  - {id: first, app: slow}
                """);
        String path = WORKFLOWS + "/" + submitted.id();
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> api.http().get(path + "/wait?timeout=60s"));
        assertThat(api.post(path + "/tasks", "- {id: second, app: echo, args: {value: 2}, after: [first]}").statusCode()).isEqualTo(202);
        assertThat(api.http().post(path + "/seal", "application/json", "").statusCode()).isEqualTo(202);

        JsonNode waited = json(waiting.join());

        assertThat(waited.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(waited.get("sealed").asBoolean()).isTrue();
        assertThat(waited.get("taskCount").asInt()).isEqualTo(2);
        assertThat(waited).isEqualTo(json(api.http().get(path)));
    }

    @Test
    void theRowsHandedToAWaiterAreTheRowsWrittenToPostgres() throws Exception {
        SubmissionView submitted = api.submit("""
                name: wait-rows
                apps:
                  slow: {type: bash, command: "sleep 1"}
                  echo: {type: java, function: echo}
                tasks:
                  - {id: slow, app: slow}
                  - {id: after, app: echo, args: {value: [3, 1, 2]}, after: [slow]}
                """);
        UUID id = UUID.fromString(submitted.id());

        Optional<WorkflowCoordinator.WorkflowRows> rows = coordinator.awaitFinished(id, Duration.ofSeconds(60))
                .map(WorkflowCoordinator.FinishedWorkflow::rows);

        assertThat(rows).as("finished during the wait, so answered from memory").isPresent();
        assertThat(rows.get().workflow()).isEqualTo(store.findWorkflow(id).orElseThrow());
        assertThat(sorted(rows.get().tasks())).isEqualTo(sorted(store.findTasks(id)));
        assertThat(coordinator.awaitFinished(id, Duration.ofSeconds(1))).as("finished before the wait: read from Postgres").isEmpty();
    }

    @Test
    void submittingWithWaitAnswersTheFinishedWorkflowInTheSameRequest() {
        HttpResponse<String> response = api.post(WORKFLOWS + "?wait=60s", """
                name: submit-and-wait
                apps:
                  slow: {type: bash, command: "sleep 1"}
                  echo: {type: java, function: echo}
                tasks:
                  - {id: slow, app: slow}
                  - {id: after, app: echo, args: {value: {list: [1, 2]}}, after: [slow]}
                """);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode answered = WireCodec.readValue(response.body(), JsonNode.class);
        String path = WORKFLOWS + "/" + answered.get("id").asString();
        assertThat(response.headers().firstValue("Location")).hasValue(path);
        assertThat(answered.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(answered).as("the same view GET reads from Postgres").isEqualTo(json(api.http().get(path)));
    }

    @Test
    void submittingWithAShortWaitAnswersTheWorkflowStillRunning() {
        HttpResponse<String> response = api.post(WORKFLOWS + "?wait=200ms", """
                name: submit-and-wait-briefly
                apps:
                  slow: {type: bash, command: "sleep 2"}
                tasks:
                  - {id: slow, app: slow}
                """);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        WorkflowView running = WireCodec.readValue(response.body(), WorkflowView.class);
        assertThat(running.status()).isEqualTo("RUNNING");
        assertThat(running.tasks()).extracting("id").containsExactly("slow");
        assertThat(api.awaitFinished(running.id()).status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aSubmissionWaitThatIsNoDurationIsRefusedBeforeAnythingIsStored() {
        HttpResponse<String> response = api.post(WORKFLOWS + "?wait=forever", """
                name: submit-and-wait-refused
                apps:
                  echo: {type: java, function: echo}
                tasks:
                  - {id: a, app: echo, args: {value: 1}}
                """);

        assertThat(WorkflowApi.problem(response, 400)).containsEntry("type", "https://trellis.dev/problems/invalid-parameter");
        assertThat(response.body()).contains("'wait'").contains("'forever'");
        assertThat(api.listByName("submit-and-wait-refused")).isEmpty();
    }

    @Test
    void waitingForAnUnknownWorkflowIsNotFound() {
        assertThat(api.http().get(WORKFLOWS + "/" + UUID.randomUUID() + "/wait?timeout=1s").statusCode()).isEqualTo(404);
    }

    /** In task order, each result as a JSON tree: Postgres's jsonb prints {@code [3, 1, 2]} where the worker sent {@code [3,1,2]}. */
    private static List<TaskRow> sorted(List<TaskRow> rows) {
        return rows.stream().sorted(Comparator.comparing(TaskRow::taskId))
                .map(r -> new TaskRow(r.taskId(), r.appName(), r.state(), r.attempt(), r.site(),
                        r.resultJson() == null ? null : WireCodec.readValue(r.resultJson(), JsonNode.class).toString(), r.error()))
                .toList();
    }

    private static JsonNode json(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return WireCodec.readValue(response.body(), JsonNode.class);
    }
}
