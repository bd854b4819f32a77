package dev.trellis.scheduler.store;

import dev.trellis.scheduler.SchedulerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scheduler's rows in real Postgres, for what the workflow tests do not reach. */
@SchedulerIntegrationTest
class WorkflowStoreTest {

    private static final Instant SUBMITTED = Instant.parse("2026-01-02T03:04:05.123456Z");
    private static final Instant LATER = Instant.parse("2026-01-02T03:04:07.5Z");
    private static final Instant FINISHED = Instant.parse("2026-01-02T03:04:09.25Z");

    @Autowired
    WorkflowStore store;

    @Autowired
    TransactionTemplate transaction;

    @Test
    void newTasksAreCopiedInWithTabsNewlinesBackslashesUnicodeAndNullsReadBackAsWritten() {
        UUID workflow = aStoredWorkflow();
        List<TaskRow> tasks = List.of(
                new TaskRow("plain", "echo", "WAITING", 0, null, null, null),
                new TaskRow("awkward", "app\twith\\tab", "FAILED", 2, "threads", "{\"text\": \"a\\\\b\\nc\"}",
                        "line one\nline\ttwo\r\nback\\slash \\N not null ünïcødé"));

        transaction.executeWithoutResult(status -> store.copyNewTasks(Map.of(workflow, tasks), SUBMITTED));

        assertThat(store.findTasks(workflow)).containsExactlyInAnyOrderElementsOf(tasks);
    }

    @Test
    void copyingInATaskTheWorkflowAlreadyHasStoresNoneOfTheBatch() {
        UUID workflow = aStoredWorkflow();
        transaction.executeWithoutResult(status -> store.copyNewTasks(
                Map.of(workflow, List.of(new TaskRow("first", "echo", "WAITING", 0, null, null, null))), SUBMITTED));

        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> store.copyNewTasks(Map.of(workflow, List.of(
                new TaskRow("second", "echo", "WAITING", 0, null, null, null),
                new TaskRow("first", "echo", "WAITING", 0, null, null, null))), SUBMITTED)))
                .isInstanceOf(RuntimeException.class);

        assertThat(store.findTasks(workflow)).extracting(TaskRow::taskId).containsExactly("first");
    }

    @Test
    void aSubmissionIsStoredWithItsTasksAndAttemptsExactlyAsWritten() {
        UUID id = UUID.randomUUID();
        List<TaskRow> tasks = List.of(
                new TaskRow("a", "echo", "QUEUED", 1, "threads", null, null),
                new TaskRow("b", "echo", "WAITING", 0, null, null, null),
                new TaskRow("awkward", "app\twith\\tab", "FAILED", 0, null, null, "quote \" back\\slash\nünïcødé"));

        store.write(new StepRows(List.of(aWorkflowRow(id, "{\"name\": \"w\", \"tasks\": []}", "{\"team\": \"x\"}")),
                Map.of(id, tasks), Map.of(), List.of(AttemptRow.queued(id, "a", 1, "threads", SUBMITTED)), List.of(), Map.of()),
                SUBMITTED, FINISHED);

        WorkflowRow stored = store.findWorkflow(id).orElseThrow();
        assertThat(stored.status()).isEqualTo("RUNNING");
        assertThat(stored.specJson()).isEqualTo("{\"name\": \"w\", \"tasks\": []}");
        assertThat(stored.labelsJson()).isEqualTo("{\"team\": \"x\"}");
        assertThat(stored.submittedAt()).isEqualTo(SUBMITTED);
        assertThat(stored.finishedAt()).isNull();
        assertThat(store.findTasks(id)).containsExactlyInAnyOrderElementsOf(tasks);
        assertThat(store.findAttempts(id)).containsExactly(AttemptRow.queued(id, "a", 1, "threads", SUBMITTED));
    }

    @Test
    void aStepStoresResultsReportsInTheirOrderAndTheWorkflowsEnd() {
        UUID id = UUID.randomUUID();
        store.write(new StepRows(List.of(aWorkflowRow(id, "{}", "{}")),
                Map.of(id, List.of(new TaskRow("a", "echo", "QUEUED", 1, "threads", null, null),
                        new TaskRow("b", "echo", "QUEUED", 1, "threads", null, null))), Map.of(),
                List.of(AttemptRow.queued(id, "a", 1, "threads", SUBMITTED), AttemptRow.queued(id, "b", 1, "threads", SUBMITTED)),
                List.of(), Map.of()), SUBMITTED, FINISHED);

        AttemptRow aStarted = report(id, "a", "STARTED", "block-1", null, LATER, null);
        AttemptRow aSucceeded = report(id, "a", "SUCCEEDED", null, null, LATER, FINISHED);
        AttemptRow bCancelled = new AttemptRow(id, "b", 1, "threads", "CANCELLED", null, null, null, null, "cancelled by user",
                null, null, null, null, FINISHED);
        AttemptRow bLateReport = report(id, "b", "FAILED", "block-2", "killed", LATER, FINISHED);
        store.write(new StepRows(List.of(), Map.of(), Map.of(id, List.of(
                        new TaskRow("a", "echo", "SUCCEEDED", 1, "threads", "null", null),
                        new TaskRow("b", "echo", "CANCELLED", 1, "threads", null, "cancelled by user"))),
                List.of(), List.of(aStarted, aSucceeded, bCancelled, bLateReport), Map.of(id, "CANCELLED")), LATER, FINISHED);

        assertThat(store.findTasks(id)).containsExactlyInAnyOrder(
                new TaskRow("a", "echo", "SUCCEEDED", 1, "threads", "null", null), // a null result, not no result
                new TaskRow("b", "echo", "CANCELLED", 1, "threads", null, "cancelled by user"));
        assertThat(store.findAttempts(id)).containsExactly(
                new AttemptRow(id, "a", 1, "threads", "SUCCEEDED", "block-1", "block-1/7", 7L, null, null, "out", null,
                        SUBMITTED, LATER, FINISHED),
                new AttemptRow(id, "b", 1, "threads", "CANCELLED", null, null, null, null, "cancelled by user", null, null,
                        SUBMITTED, null, FINISHED));
        WorkflowRow stored = store.findWorkflow(id).orElseThrow();
        assertThat(stored.status()).isEqualTo("CANCELLED");
        assertThat(stored.finishedAt()).isEqualTo(FINISHED);
    }

    @Test
    void aWorkflowThatEndsInTheStepThatSubmitsItIsStoredEnded() {
        UUID id = UUID.randomUUID();

        store.write(new StepRows(List.of(aWorkflowRow(id, "{}", "{}")),
                Map.of(id, List.of(new TaskRow("a", "echo", "CACHED", 0, null, "42", null))), Map.of(), List.of(), List.of(),
                Map.of(id, "SUCCEEDED")), SUBMITTED, FINISHED);

        WorkflowRow stored = store.findWorkflow(id).orElseThrow();
        assertThat(stored.status()).isEqualTo("SUCCEEDED");
        assertThat(stored.finishedAt()).isEqualTo(FINISHED);
    }

    @Test
    void aStepThatFailsPartWayStoresNothingOfIt() {
        UUID stored = aStoredWorkflow();
        store.write(new StepRows(List.of(), Map.of(), Map.of(stored, List.of(new TaskRow("x", "echo", "WAITING", 0, null, null, null))),
                List.of(), List.of(), Map.of()), SUBMITTED, FINISHED);
        UUID fresh = UUID.randomUUID();

        // The fresh workflow and its task come first; the task the stored workflow already has fails the call.
        assertThatThrownBy(() -> store.write(new StepRows(List.of(aWorkflowRow(fresh, "{}", "{}")),
                Map.of(fresh, List.of(new TaskRow("y", "echo", "WAITING", 0, null, null, null)),
                        stored, List.of(new TaskRow("x", "echo", "WAITING", 0, null, null, null))),
                Map.of(), List.of(AttemptRow.queued(fresh, "y", 1, "threads", SUBMITTED)), List.of(), Map.of()), SUBMITTED, FINISHED))
                .isInstanceOf(RuntimeException.class);

        assertThat(store.findWorkflow(fresh)).isEmpty();
        assertThat(store.findTasks(fresh)).isEmpty();
        assertThat(store.findAttempts(fresh)).isEmpty();
    }

    @Test
    void aLargeSubmissionThatFailsStoresNothingOfItEither() {
        UUID stored = aStoredWorkflow();
        store.write(new StepRows(List.of(), Map.of(), Map.of(stored, List.of(new TaskRow("x", "echo", "WAITING", 0, null, null, null))),
                List.of(), List.of(), Map.of()), SUBMITTED, FINISHED);
        UUID fresh = UUID.randomUUID();
        List<TaskRow> many = new ArrayList<>(IntStream.range(0, 500)
                .mapToObj(i -> new TaskRow("t" + i, "echo", "WAITING", 0, null, null, null)).toList());

        assertThatThrownBy(() -> store.write(new StepRows(List.of(aWorkflowRow(fresh, "{}", "{}")),
                Map.of(fresh, many, stored, List.of(new TaskRow("x", "echo", "WAITING", 0, null, null, null))),
                Map.of(), List.of(), List.of(), Map.of()), SUBMITTED, FINISHED))
                .isInstanceOf(RuntimeException.class);
        assertThat(store.findWorkflow(fresh)).isEmpty();
        assertThat(store.findTasks(fresh)).isEmpty();

        store.write(new StepRows(List.of(aWorkflowRow(fresh, "{}", "{}")), Map.of(fresh, many), Map.of(), List.of(), List.of(), Map.of()),
                SUBMITTED, FINISHED);
        assertThat(store.findTasks(fresh)).hasSize(500);
        assertThat(store.findWorkflow(fresh)).isPresent();
    }

    private static AttemptRow report(UUID id, String task, String status, String block, String error, Instant started, Instant finished) {
        return new AttemptRow(id, task, 1, "threads", status, block, block == null ? null : block + "/7", block == null ? null : 7L,
                null, error, "SUCCEEDED".equals(status) ? "out" : null, null, null, started, finished);
    }

    private static WorkflowRow aWorkflowRow(UUID id, String spec, String labels) {
        return new WorkflowRow(id, "store-test", "RUNNING", spec, labels, true, SUBMITTED, null, 1);
    }

    private UUID aStoredWorkflow() {
        UUID id = UUID.randomUUID();
        store.write(new StepRows(List.of(aWorkflowRow(id, "{}", "{}")), Map.of(), Map.of(), List.of(), List.of(), Map.of()),
                SUBMITTED, FINISHED);
        return id;
    }
}
