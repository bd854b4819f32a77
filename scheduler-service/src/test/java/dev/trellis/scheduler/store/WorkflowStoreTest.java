package dev.trellis.scheduler.store;

import dev.trellis.scheduler.SchedulerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The scheduler's rows in real Postgres, for what the workflow tests do not reach. Steps are
 * written three ways by size (one round trip up to 4 rows, batches, COPY for over 100 new tasks),
 * so each case runs at sizes that take each way.
 */
@SchedulerIntegrationTest
class WorkflowStoreTest {

    private static final Instant SUBMITTED = Instant.parse("2026-01-02T03:04:05.123456Z");
    private static final Instant ENDED = Instant.parse("2026-01-02T03:04:09.654321Z");

    @Autowired
    WorkflowStore store;

    @Autowired
    JdbcClient jdbc;

    @ParameterizedTest
    @ValueSource(ints = {0, 40, 150})
    void aStepStoresTabsNewlinesBackslashesUnicodeAndNullsAsWritten(int plainTasks) {
        UUID workflow = UUID.randomUUID();
        List<TaskRow> tasks = new ArrayList<>(plainTasks(plainTasks));
        tasks.add(new TaskRow("awkward", "app\twith\\tab", "FAILED", 2, "threads", "{\"text\": \"a\\\\b\\nc\"}",
                "line one\nline\ttwo\r\nback\\slash \\N not null ünïcødé"));

        store.writeStep(submission(workflow, tasks), SUBMITTED, () -> SUBMITTED);

        assertThat(store.findTasks(workflow)).containsExactlyInAnyOrderElementsOf(tasks);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 40, 150})
    void aStepWithATaskTheWorkflowAlreadyHasStoresNothing(int plainTasks) {
        UUID workflow = UUID.randomUUID();
        List<TaskRow> tasks = new ArrayList<>(plainTasks(plainTasks));
        tasks.add(tasks.get(0));
        StepRows step = new StepRows(List.of(new WorkflowRow(workflow, "store-test", "RUNNING", "{}", "{}", true, SUBMITTED, null, tasks.size())),
                Map.of(workflow, tasks), Map.of(), List.of(), Map.of());

        assertThatThrownBy(() -> store.writeStep(step, SUBMITTED, () -> SUBMITTED)).isInstanceOf(RuntimeException.class);

        assertThat(store.findWorkflow(workflow)).as("the workflow row written before the failing task row").isEmpty();
        assertThat(store.findTasks(workflow)).isEmpty();
        assertThat(store.findAttempts(workflow)).isEmpty();
    }

    /** A workflow's end: its tasks and attempts updated, and its row stamped with what the step returned. */
    @ParameterizedTest
    @ValueSource(ints = {1, 40})
    void aStepThatEndsAWorkflowStoresItsResultsAndItsStamp(int taskCount) {
        UUID workflow = UUID.randomUUID();
        List<TaskRow> tasks = plainTasks(taskCount);
        store.writeStep(submission(workflow, tasks), SUBMITTED, () -> SUBMITTED);
        List<TaskRow> done = tasks.stream().map(t -> new TaskRow(t.taskId(), t.appName(), "SUCCEEDED", 1, "local", "[" + t.taskId().length() + "]", null)).toList();
        List<AttemptRow> reports = tasks.stream().map(t -> new AttemptRow(workflow, t.taskId(), 1, "local", "SUCCEEDED", "block-1",
                "worker-1", 42L, 0, null, "out", "", SUBMITTED, SUBMITTED, ENDED)).toList();

        Instant stamp = store.writeStep(new StepRows(List.of(), Map.of(), Map.of(workflow, done), reports,
                Map.of(workflow, "SUCCEEDED")), ENDED, () -> ENDED);

        assertThat(stamp).isEqualTo(ENDED);
        assertThat(store.findWorkflow(workflow)).hasValueSatisfying(row -> {
            assertThat(row.status()).isEqualTo("SUCCEEDED");
            assertThat(row.finishedAt()).isEqualTo(ENDED);
        });
        assertThat(store.findTasks(workflow)).containsExactlyInAnyOrderElementsOf(done);
        assertThat(store.findAttempts(workflow)).containsExactlyInAnyOrderElementsOf(reports);
    }

    /**
     * A workflow's end rewrites its row on the row's own page and touches no index (a HOT update):
     * the statement every short workflow ends with, and the costliest of them while status was
     * indexed. Ends of a whole submission at once, in one step, as batches of workflows end.
     */
    @Test
    void workflowEndsRewriteTheirRowsInPlaceWithoutTouchingAnIndex() throws InterruptedException {
        String name = "store-hot-" + UUID.randomUUID();
        List<WorkflowRow> rows = IntStream.range(0, 60).mapToObj(i -> new WorkflowRow(UUID.randomUUID(), name, "RUNNING",
                "{\"name\": \"" + name + "\", \"tasks\": [{\"id\": \"a\", \"app\": \"noop\"}]}", "{}", true,
                SUBMITTED.plusMillis(i), null, 1)).toList();
        Map<UUID, String> ends = new HashMap<>();
        rows.forEach(row -> ends.put(row.id(), row.id().hashCode() % 2 == 0 ? "SUCCEEDED" : "FAILED"));
        long[] before = workflowUpdates();

        store.writeStep(new StepRows(rows, Map.of(), Map.of(), List.of(), Map.of()), SUBMITTED, () -> SUBMITTED);
        store.writeStep(new StepRows(List.of(), Map.of(), Map.of(), List.of(), ends), ENDED, () -> ENDED);

        long[] after = workflowUpdates();
        for (long waitUntil = System.nanoTime() + 20_000_000_000L; after[0] - before[0] < rows.size() && System.nanoTime() < waitUntil; ) {
            Thread.sleep(100); // a backend hands its table statistics over about once a second
            after = workflowUpdates();
        }
        assertThat(after[0] - before[0]).as("workflow rows updated").isGreaterThanOrEqualTo(rows.size());
        assertThat(after[1] - before[1]).as("of those, updated in place (HOT)").isEqualTo(after[0] - before[0]);
        List<UUID> failedNewestFirst = IntStream.range(0, rows.size()).mapToObj(i -> rows.get(rows.size() - 1 - i).id())
                .filter(id -> ends.get(id).equals("FAILED")).toList();
        assertThat(store.listWorkflows(new WorkflowListing(name, "FAILED", null, null, 0, 100))).extracting(WorkflowRow::id)
                .containsExactlyElementsOf(failedNewestFirst);
        assertThat(store.listWorkflows(new WorkflowListing(name, "RUNNING", null, null, 0, 100))).isEmpty();
    }

    /** Updates of the workflows table so far, and how many of them were HOT. */
    private long[] workflowUpdates() {
        return jdbc.sql("SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'workflows'")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
    }

    /** A workflow's row: every column but the spec; a DAG listed task by task is megabytes of spec, which only recovery reads back. */
    @Test
    void workflowRowsAreReadWithoutTheirSpecWhichRecoveryReadsOnItsOwn() {
        UUID id = UUID.randomUUID();
        String name = "store-spec-" + id;
        String spec = "{\"name\": \"" + name + "\", \"tasks\": [{\"id\": \"a\", \"app\": \"echo\"}]}";
        store.insertWorkflows(List.of(new WorkflowRow(id, name, "RUNNING", spec, "{\"team\": \"x\"}", true, SUBMITTED, null, 1)));

        WorkflowRow read = new WorkflowRow(id, name, "RUNNING", null, "{\"team\": \"x\"}", true, SUBMITTED, null, 1);
        assertThat(store.findWorkflow(id)).contains(read);
        assertThat(store.listWorkflows(new WorkflowListing(name, "RUNNING", null, null, 0, 10))).containsExactly(read);
        assertThat(store.findSpec(id)).hasValueSatisfying(json -> assertThat(json).contains("\"tasks\"").contains(name));
        assertThat(store.findSpec(UUID.randomUUID())).isEmpty();
    }

    /**
     * A queued attempt has no row of its own: its task's row stands for it until its first news,
     * which keeps the time it was queued; later news keeps what it leaves unknown, and an attempt the
     * scheduler declared lost stays lost.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 40})
    void queuedAttemptsReadBackFromTheirTasksUntilTheirFirstNews(int taskCount) {
        UUID workflow = UUID.randomUUID();
        List<TaskRow> tasks = plainTasks(taskCount);
        store.writeStep(submission(workflow, tasks), SUBMITTED, () -> SUBMITTED);

        assertThat(store.findAttempts(workflow)).hasSize(taskCount).allSatisfy(attempt -> {
            assertThat(attempt.status()).isEqualTo("QUEUED");
            assertThat(attempt.attempt()).isEqualTo(1);
            assertThat(attempt.site()).isEqualTo("local");
            assertThat(attempt.queuedAt()).isEqualTo(SUBMITTED);
            assertThat(attempt.startedAt()).isNull();
        });

        Instant started = SUBMITTED.plusSeconds(1);
        List<AttemptRow> startedReports = tasks.stream().map(t -> new AttemptRow(workflow, t.taskId(), 1, "local", "STARTED", "block-1",
                "worker-1", 42L, null, null, null, null, SUBMITTED, started, null)).toList();
        store.writeStep(new StepRows(List.of(), Map.of(), Map.of(), startedReports, Map.of()), started, () -> started);
        List<AttemptRow> lost = tasks.stream().limit(1).map(t -> new AttemptRow(workflow, t.taskId(), 1, "local", "LOST", null,
                null, null, null, "block-1 went silent", null, null, ENDED, null, ENDED)).toList();
        store.writeStep(new StepRows(List.of(), Map.of(), Map.of(), lost, Map.of()), ENDED, () -> ENDED);
        List<AttemptRow> ends = tasks.stream().map(t -> new AttemptRow(workflow, t.taskId(), 1, "local", "SUCCEEDED", null,
                null, null, 0, null, "out", "", ENDED, null, ENDED)).toList();
        store.writeStep(new StepRows(List.of(), Map.of(), Map.of(), ends, Map.of()), ENDED, () -> ENDED);

        List<AttemptRow> expected = new ArrayList<>();
        expected.add(new AttemptRow(workflow, "task-0", 1, "local", "LOST", "block-1", "worker-1", 42L, null, "block-1 went silent",
                null, null, SUBMITTED, started, ENDED));
        tasks.stream().skip(1).forEach(t -> expected.add(new AttemptRow(workflow, t.taskId(), 1, "local", "SUCCEEDED", "block-1",
                "worker-1", 42L, 0, null, "out", "", SUBMITTED, started, ENDED)));
        assertThat(store.findAttempts(workflow)).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** Later news of an attempt within one step is folded into one row, as the database would apply it in turn. */
    @Test
    void newsOfOneAttemptFoldsIntoOneRow() {
        UUID workflow = UUID.randomUUID();
        Instant started = SUBMITTED.plusSeconds(1);
        AttemptRow startedOn = AttemptRow.startedOn(workflow, "a", 1, "local", "block-1", started);
        AttemptRow end = new AttemptRow(workflow, "a", 1, "local", "FAILED", null, "worker-2", 7L, 3, "exit code 3", "o", "e",
                ENDED, null, ENDED);
        AttemptRow lost = new AttemptRow(workflow, "a", 1, "local", "LOST", null, null, null, null, "silent", null, null, ENDED, null, ENDED);

        assertThat(startedOn.then(end)).isEqualTo(new AttemptRow(workflow, "a", 1, "local", "FAILED", "block-1", "worker-2", 7L, 3,
                "exit code 3", "o", "e", started, started, ENDED));
        assertThat(startedOn.then(lost).then(end)).isEqualTo(startedOn.then(lost));
        assertThat(startedOn.then(lost).status()).isEqualTo("LOST");
    }

    /** A workflow's submission: its row and its tasks, queued. */
    private static StepRows submission(UUID workflow, List<TaskRow> tasks) {
        return new StepRows(List.of(new WorkflowRow(workflow, "store-test", "RUNNING", "{}", "{}", true, SUBMITTED, null, tasks.size())),
                Map.of(workflow, tasks), Map.of(), List.of(), Map.of());
    }

    private static List<TaskRow> plainTasks(int count) {
        return IntStream.range(0, count).mapToObj(i -> new TaskRow("task-" + i, "echo", "QUEUED", 1, "local", null, null)).toList();
    }
}
