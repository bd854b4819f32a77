package dev.trellis.scheduler.store;

import dev.trellis.scheduler.SchedulerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scheduler's rows in real Postgres, for what the workflow tests do not reach. */
@SchedulerIntegrationTest
class WorkflowStoreTest {

    private static final Instant SUBMITTED = Instant.parse("2026-01-02T03:04:05.123456Z");

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

        transaction.executeWithoutResult(status -> store.insertNewTasks(workflow, tasks, SUBMITTED));

        assertThat(store.findTasks(workflow)).containsExactlyInAnyOrderElementsOf(List.of(
                tasks.get(0),
                new TaskRow("awkward", "app\twith\\tab", "FAILED", 2, "threads", "{\"text\": \"a\\\\b\\nc\"}",
                        "line one\nline\ttwo\r\nback\\slash \\N not null ünïcødé")));
    }

    @Test
    void copyingInATaskTheWorkflowAlreadyHasStoresNoneOfTheBatch() {
        UUID workflow = aStoredWorkflow();
        transaction.executeWithoutResult(status ->
                store.insertNewTasks(workflow, List.of(new TaskRow("first", "echo", "WAITING", 0, null, null, null)), SUBMITTED));

        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> store.insertNewTasks(workflow, List.of(
                new TaskRow("second", "echo", "WAITING", 0, null, null, null),
                new TaskRow("first", "echo", "WAITING", 0, null, null, null)), SUBMITTED)))
                .isInstanceOf(RuntimeException.class);

        assertThat(store.findTasks(workflow)).extracting(TaskRow::taskId).containsExactly("first");
    }

    /** A DAG listed task by task is megabytes of spec: only recovery reads it back. */
    @Test
    void workflowRowsAreReadWithoutTheirSpecWhichRecoveryReadsOnItsOwn() {
        UUID id = UUID.randomUUID();
        String name = "store-spec-" + id;
        String spec = "{\"name\": \"" + name + "\", \"tasks\": [{\"id\": \"a\", \"app\": \"echo\"}]}";
        store.insertWorkflows(List.of(new WorkflowRow(id, name, "RUNNING", spec, "{\"team\": \"x\"}", true, SUBMITTED, null, 1)));

        WorkflowRow read = new WorkflowRow(id, name, "RUNNING", null, "{\"team\": \"x\"}", true, SUBMITTED, null, 1);
        assertThat(store.findWorkflow(id)).contains(read);
        assertThat(store.listWorkflows(name, "RUNNING", 0, 10)).containsExactly(read);
        assertThat(store.findSpec(id)).hasValueSatisfying(json -> assertThat(json).contains("\"tasks\"").contains(name));
        assertThat(store.findSpec(UUID.randomUUID())).isEmpty();
    }

    private UUID aStoredWorkflow() {
        UUID id = UUID.randomUUID();
        store.insertWorkflows(List.of(new WorkflowRow(id, "store-test", "RUNNING", "{}", "{}", true, SUBMITTED, null, 0)));
        return id;
    }
}
