package dev.trellis.scheduler.store;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCallback;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The scheduler's rows in Postgres. Writes are batched per engine step (one round trip for all
 * the tasks a result touched), because per-task round trips are what limits throughput.
 */
@Repository
public class WorkflowStore {

    /**
     * Steps of at most this many rows go to Postgres as one list of statements, in one round trip
     * that Postgres runs as one transaction, instead of a batch per kind of row and a commit (four
     * round trips for a one-task workflow's submit, four for its end). Few, because each different
     * list is one more query to pgjdbc, which Postgres parses and plans anew until pgjdbc has run it
     * five times and prepares it: the steps of a few rows (a one-task workflow's submit, its end, a
     * chain's next link) come in a few shapes, larger ones (report batches) in many.
     */
    private static final int ONE_ROUND_TRIP_ROWS_AT_MOST = 4;
    /** New tasks up to this many are inserted with INSERT rather than COPY. */
    private static final int INSERT_ROWS_AT_MOST = 100;
    /** COPY data goes out in pieces of about this many characters, so a large DAG is never one huge buffer. */
    private static final int COPY_CHUNK_CHARS = 256 * 1024;
    /** What reads of {@code workflows} return: every column but the spec (see {@link #findWorkflow}). */
    private static final String ROW_COLUMNS = "id, name, status, labels, sealed, submitted_at, finished_at, task_count";
    /** {@link #ROW_COLUMNS} of the workflows table as a listing names it, beside another table. */
    private static final String LISTED_COLUMNS = Arrays.stream(ROW_COLUMNS.split(", ")).map(column -> "w." + column)
            .collect(Collectors.joining(", "));
    private static final String RUNNING = "RUNNING";
    private static final String SUCCEEDED = "SUCCEEDED";
    /** After the workflow's end is stamped, in the same transaction: the row it copies then carries the final status. */
    private static final RowStatement<UUID> RECORD_UNSUCCESSFUL = new RowStatement<>("""
            INSERT INTO unsuccessful_workflows (id, name, status, submitted_at)
            SELECT id, name, status, submitted_at FROM workflows WHERE id = ?""", (ps, offset, id) -> {
        ps.setObject(offset + 1, id);
        return offset + 1;
    });

    private static final RowStatement<WorkflowRow> INSERT_WORKFLOW = new RowStatement<>("""
            INSERT INTO workflows (id, name, status, spec, labels, sealed, submitted_at, task_count)
            VALUES (?, ?, ?, ?::json, ?::jsonb, ?, ?, ?)""", (ps, at, workflow) -> {
        ps.setObject(at + 1, workflow.id());
        ps.setString(at + 2, workflow.name());
        ps.setString(at + 3, workflow.status());
        ps.setString(at + 4, workflow.specJson());
        ps.setString(at + 5, workflow.labelsJson());
        ps.setBoolean(at + 6, workflow.sealed());
        ps.setTimestamp(at + 7, Timestamp.from(workflow.submittedAt()));
        ps.setInt(at + 8, workflow.taskCount());
        return at + 8;
    });

    /**
     * An attempt's news: its first inserts its row, later ones write over it. An attempt the
     * scheduler already gave up on (LOST, CANCELLED) keeps that status: a late report from a block
     * thought dead must not rewrite it, since recovery counts lost attempts. What a report leaves
     * unknown (null block, worker, pid, start) keeps what an earlier one said.
     */
    private static final RowStatement<AttemptRow> UPSERT_ATTEMPT = new RowStatement<>("""
            INSERT INTO attempts (workflow_id, task_id, attempt, site, status, block_id, worker_id, pid, exit_code, error,
              stdout_tail, stderr_tail, queued_at, started_at, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (workflow_id, task_id, attempt) DO UPDATE SET
              status = excluded.status, block_id = COALESCE(excluded.block_id, attempts.block_id),
              worker_id = COALESCE(excluded.worker_id, attempts.worker_id), pid = COALESCE(excluded.pid, attempts.pid),
              exit_code = excluded.exit_code, error = excluded.error, stdout_tail = excluded.stdout_tail,
              stderr_tail = excluded.stderr_tail, started_at = COALESCE(excluded.started_at, attempts.started_at),
              finished_at = excluded.finished_at
            WHERE attempts.status NOT IN ('LOST', 'CANCELLED')""", (ps, at, a) -> {
        ps.setObject(at + 1, a.workflowId());
        ps.setString(at + 2, a.taskId());
        ps.setInt(at + 3, a.attempt());
        ps.setString(at + 4, a.site());
        ps.setString(at + 5, a.status());
        ps.setString(at + 6, a.blockId());
        ps.setString(at + 7, a.workerId());
        ps.setObject(at + 8, a.pid());
        ps.setObject(at + 9, a.exitCode());
        ps.setString(at + 10, a.error());
        ps.setString(at + 11, a.stdoutTail());
        ps.setString(at + 12, a.stderrTail());
        ps.setTimestamp(at + 13, Timestamp.from(a.queuedAt()));
        ps.setTimestamp(at + 14, timestamp(a.startedAt()));
        ps.setTimestamp(at + 15, timestamp(a.finishedAt()));
        return at + 15;
    });

    private static final String UPSERT_TASK = """
            ON CONFLICT (workflow_id, task_id) DO UPDATE SET
              state = excluded.state, attempt = excluded.attempt, site = excluded.site,
              result = excluded.result, error = excluded.error, updated_at = excluded.updated_at""";

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final TransactionTemplate transaction;

    WorkflowStore(JdbcClient jdbc, JdbcTemplate batch, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.transaction = transaction;
    }

    /**
     * Writes a step, all or nothing, and returns the stamp the workflows it finished carry as their
     * end. A step of a few rows goes in one round trip, stamped just before it; a larger one as a
     * batch per kind of row in one transaction, stamped once its task rows are written (a large
     * write takes milliseconds, which a workflow's end must not leave out).
     *
     * @param at the step's time, each written task row's {@code updated_at}
     */
    public Instant writeStep(StepRows step, Instant at, Supplier<Instant> finishStamp) {
        if (step.rowCount() <= ONE_ROUND_TRIP_ROWS_AT_MOST) {
            Instant stamp = finishStamp.get();
            StatementList statements = new StatementList();
            statements.add(INSERT_WORKFLOW, step.newWorkflows());
            statements.add(taskStatement("", at), taskEntries(step.newTasks()));
            statements.add(taskStatement(UPSERT_TASK, at), taskEntries(step.changedTasks()));
            statements.add(UPSERT_ATTEMPT, step.attempts());
            statements.add(finishStatement(stamp), List.copyOf(step.finished().entrySet()));
            statements.add(RECORD_UNSUCCESSFUL, unsuccessful(step.finished()));
            statements.execute();
            return stamp;
        }
        return transaction.execute(status -> {
            insertWorkflows(step.newWorkflows());
            insertNewTasks(step.newTasks(), at);
            upsertTasks(step.changedTasks(), at);
            inBatches(UPSERT_ATTEMPT, step.attempts());
            Instant stamp = finishStamp.get();
            finishWorkflows(step.finished(), stamp);
            return stamp;
        });
    }

    /** Inserts submitted workflows' rows in one batch. */
    public void insertWorkflows(List<WorkflowRow> workflows) {
        inBatches(INSERT_WORKFLOW, workflows);
    }

    public void insertTaskBatch(UUID workflowId, int seq, String tasksJson) {
        jdbc.sql("INSERT INTO workflow_task_batches (workflow_id, seq, tasks) VALUES (?, ?, ?::json)")
                .params(workflowId, seq, tasksJson).update();
    }

    public List<String> findTaskBatches(UUID workflowId) {
        return jdbc.sql("SELECT tasks::text FROM workflow_task_batches WHERE workflow_id = ? ORDER BY seq")
                .param(workflowId).query(String.class).list();
    }

    public void addTaskCount(UUID workflowId, int added) {
        jdbc.sql("UPDATE workflows SET task_count = task_count + ? WHERE id = ?").params(added, workflowId).update();
    }

    public void seal(UUID workflowId) {
        jdbc.sql("UPDATE workflows SET sealed = true WHERE id = ?").param(workflowId).update();
    }

    /** Stamps the workflows' end, each with its final status, in one batch. */
    private void finishWorkflows(Map<UUID, String> statusById, Instant at) {
        inBatches(finishStatement(at), List.copyOf(statusById.entrySet()));
        inBatches(RECORD_UNSUCCESSFUL, unsuccessful(statusById));
    }

    /** The ended workflows a listing by FAILED or CANCELLED finds through {@code unsuccessful_workflows}. */
    private static List<UUID> unsuccessful(Map<UUID, String> statusById) {
        List<UUID> unsuccessful = new ArrayList<>();
        statusById.forEach((id, status) -> {
            if (isUnsuccessful(status)) {
                unsuccessful.add(id);
            }
        });
        return unsuccessful;
    }

    /** FAILED or CANCELLED: a workflow that ended and did not succeed, which {@code unsuccessful_workflows} holds. */
    private static boolean isUnsuccessful(String status) {
        return !SUCCEEDED.equals(status) && !RUNNING.equals(status);
    }

    private static RowStatement<Map.Entry<UUID, String>> finishStatement(Instant at) {
        Timestamp finishedAt = timestamp(at);
        return new RowStatement<>("UPDATE workflows SET status = ?, finished_at = ? WHERE id = ?", (ps, offset, finished) -> {
            ps.setString(offset + 1, finished.getValue());
            ps.setTimestamp(offset + 2, finishedAt);
            ps.setObject(offset + 3, finished.getKey());
            return offset + 3;
        });
    }

    /**
     * Inserts the rows of tasks new to their workflows with one {@code COPY}: a submitted DAG may
     * hold 100,000 tasks, and COPY streams them several times faster than batched INSERTs. A few
     * rows go as one multi-row {@code INSERT} instead, since COPY costs an extra round trip. Runs in
     * the caller's transaction; a task already stored fails the whole COPY (primary key).
     */
    private void insertNewTasks(Map<UUID, List<TaskRow>> tasksByWorkflow, Instant at) {
        int rows = tasksByWorkflow.values().stream().mapToInt(List::size).sum();
        if (rows == 0) {
            return;
        }
        if (rows <= INSERT_ROWS_AT_MOST) {
            insertTasks(tasksByWorkflow, at);
            return;
        }
        String updatedAt = at.toString();
        batch.execute((ConnectionCallback<Long>) connection -> {
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("""
                    COPY tasks (workflow_id, task_id, app_name, state, attempt, site, result, error, updated_at)
                    FROM STDIN (FORMAT text)""");
            try {
                StringBuilder lines = new StringBuilder(COPY_CHUNK_CHARS + 1024);
                for (Map.Entry<UUID, List<TaskRow>> workflowTasks : tasksByWorkflow.entrySet()) {
                    String workflow = workflowTasks.getKey().toString();
                    for (TaskRow task : workflowTasks.getValue()) {
                        lines.append(workflow).append('\t');
                        appendCopyValue(task.taskId(), lines);
                        appendCopyValue(task.appName(), lines);
                        appendCopyValue(task.state(), lines);
                        lines.append(task.attempt()).append('\t');
                        appendCopyValue(task.site(), lines);
                        appendCopyValue(task.resultJson(), lines);
                        appendCopyValue(task.error(), lines);
                        lines.append(updatedAt).append('\n');
                        if (lines.length() >= COPY_CHUNK_CHARS) {
                            writeCopyData(copy, lines);
                        }
                    }
                }
                writeCopyData(copy, lines);
                return copy.endCopy();
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
        });
    }

    /**
     * One column of COPY's text format and the tab after it: {@code \N} for null; backslash, tab,
     * newline and carriage return escaped, since they delimit columns and rows.
     */
    private static void appendCopyValue(String value, StringBuilder out) {
        if (value == null) {
            out.append("\\N\t");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        out.append('\t');
    }

    private static void writeCopyData(CopyIn copy, StringBuilder lines) throws SQLException {
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        copy.writeToCopy(bytes, 0, bytes.length);
        lines.setLength(0);
    }

    /** Inserts new tasks or overwrites the state of known ones, of several workflows, all in one batch. */
    private void upsertTasks(Map<UUID, List<TaskRow>> tasksByWorkflow, Instant at) {
        inBatches(taskStatement(UPSERT_TASK, at), taskEntries(tasksByWorkflow));
    }

    /** Inserts new tasks in one batch (one multi-row statement, with {@code reWriteBatchedInserts}). */
    private void insertTasks(Map<UUID, List<TaskRow>> tasksByWorkflow, Instant at) {
        inBatches(taskStatement("", at), taskEntries(tasksByWorkflow));
    }

    private static List<Map.Entry<UUID, TaskRow>> taskEntries(Map<UUID, List<TaskRow>> tasksByWorkflow) {
        List<Map.Entry<UUID, TaskRow>> tasks = new ArrayList<>();
        tasksByWorkflow.forEach((workflowId, rows) -> rows.forEach(row -> tasks.add(Map.entry(workflowId, row))));
        return tasks;
    }

    private static RowStatement<Map.Entry<UUID, TaskRow>> taskStatement(String onConflict, Instant at) {
        Timestamp now = Timestamp.from(at);
        return new RowStatement<>("""
                INSERT INTO tasks (workflow_id, task_id, app_name, state, attempt, site, result, error, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
                """ + onConflict, (ps, offset, workflowTask) -> {
            TaskRow task = workflowTask.getValue();
            ps.setObject(offset + 1, workflowTask.getKey());
            ps.setString(offset + 2, task.taskId());
            ps.setString(offset + 3, task.appName());
            ps.setString(offset + 4, task.state());
            ps.setInt(offset + 5, task.attempt());
            ps.setString(offset + 6, task.site());
            ps.setString(offset + 7, task.resultJson());
            ps.setString(offset + 8, task.error());
            ps.setTimestamp(offset + 9, now);
            return offset + 9;
        });
    }

    /** The rows as JDBC batches of the statement, 1,000 rows each. */
    private <T> void inBatches(RowStatement<T> statement, List<T> rows) {
        if (!rows.isEmpty()) {
            batch.batchUpdate(statement.sql(), rows, 1000, (ps, row) -> statement.binder().bind(ps, 0, row));
        }
    }

    /** A statement that writes one row, and how to set that row's parameters from a given index on. */
    private record RowStatement<T>(String sql, RowBinder<T> binder) {
    }

    @FunctionalInterface
    private interface RowBinder<T> {
        /** Sets the row's parameters after the first {@code offset}; returns the offset of the next statement's. */
        int bind(PreparedStatement ps, int offset, T row) throws SQLException;
    }

    /**
     * Statements sent as one: pgjdbc sends them all, each with its parameters, and one Sync after
     * the last, so Postgres runs them as one implicit transaction: a failing one rolls back those
     * before it and skips the rest.
     */
    private final class StatementList {
        private final StringBuilder sql = new StringBuilder();
        private final List<Binding> bindings = new ArrayList<>();

        <T> void add(RowStatement<T> statement, List<T> rows) {
            for (T row : rows) {
                sql.append(statement.sql()).append(";\n");
                bindings.add((ps, offset) -> statement.binder().bind(ps, offset, row));
            }
        }

        void execute() {
            if (bindings.isEmpty()) {
                return;
            }
            batch.execute(sql.toString(), (PreparedStatementCallback<Void>) ps -> {
                int offset = 0;
                for (Binding binding : bindings) {
                    offset = binding.bind(ps, offset);
                }
                ps.execute();
                return null;
            });
        }
    }

    @FunctionalInterface
    private interface Binding {
        int bind(PreparedStatement ps, int offset) throws SQLException;
    }

    /**
     * The workflow's row without its spec ({@link WorkflowRow#specJson()} is null): every read but
     * recovery's, since a DAG listed task by task is megabytes of JSON that Postgres would render
     * as text on each read (a list of 20 such workflows took 116 ms instead of 0.6 ms).
     */
    public Optional<WorkflowRow> findWorkflow(UUID id) {
        return jdbc.sql("SELECT " + ROW_COLUMNS + " FROM workflows WHERE id = ?").param(id).query(WorkflowStore::workflowRow).optional();
    }

    /** The workflow's spec as submitted, for recovery to plan it again. */
    public Optional<String> findSpec(UUID id) {
        return jdbc.sql("SELECT spec::text FROM workflows WHERE id = ?").param(id).query(String.class).optional();
    }

    public List<UUID> findActiveWorkflowIds() {
        return jdbc.sql("SELECT id FROM workflows WHERE finished_at IS NULL ORDER BY submitted_at")
                .query(UUID.class).list();
    }

    /**
     * Workflows as the listing says. Status is not indexed on {@code workflows}: a listing of RUNNING
     * or SUCCEEDED ones walks an index newest first and filters ({@code submittedFrom} stops that walk
     * early); one of FAILED or CANCELLED ones reads {@code unsuccessful_workflows} instead.
     */
    public List<WorkflowRow> listWorkflows(WorkflowListing listing) {
        boolean unsuccessful = listing.status() != null && isUnsuccessful(listing.status());
        String by = unsuccessful ? "u." : "w.";
        StringBuilder sql = new StringBuilder("SELECT " + LISTED_COLUMNS + " FROM workflows w"
                + (unsuccessful ? " JOIN unsuccessful_workflows u ON u.id = w.id" : "") + " WHERE true");
        List<Object> params = new ArrayList<>();
        if (listing.submittedFrom() != null) {
            sql.append(" AND ").append(by).append("submitted_at >= ?");
            params.add(Timestamp.from(listing.submittedFrom()));
        }
        if (listing.after() != null) {
            // The first condition bounds the index walk; the second keeps ties in id order.
            Timestamp afterSubmitted = Timestamp.from(listing.after().submittedAt());
            sql.append(" AND ").append(by).append("submitted_at <= ? AND (").append(by).append("submitted_at < ? OR ")
                    .append(by).append("id > ?)");
            params.addAll(List.of(afterSubmitted, afterSubmitted, listing.after().id()));
        }
        if (listing.name() != null) {
            sql.append(" AND ").append(by).append("name = ?");
            params.add(listing.name());
        }
        if (listing.status() != null) {
            sql.append(" AND ").append(by).append("status = ?");
            params.add(listing.status());
        }
        sql.append(" ORDER BY ").append(by).append("submitted_at DESC, ").append(by).append("id OFFSET ? LIMIT ?");
        params.add(listing.offset());
        params.add(listing.limit());
        return jdbc.sql(sql.toString()).params(params).query(WorkflowStore::workflowRow).list();
    }

    public List<TaskRow> findTasks(UUID workflowId) {
        return jdbc.sql("SELECT task_id, app_name, state, attempt, site, result::text AS result, error FROM tasks WHERE workflow_id = ?")
                .param(workflowId)
                .query((rs, n) -> new TaskRow(rs.getString("task_id"), rs.getString("app_name"), rs.getString("state"),
                        rs.getInt("attempt"), rs.getString("site"), rs.getString("result"), rs.getString("error")))
                .list();
    }

    /**
     * Every attempt of the workflow, by task and number: those with a row, and the queued ones
     * their task's row stands for (status QUEUED, queued when the task's row was last written).
     */
    public List<AttemptRow> findAttempts(UUID workflowId) {
        return jdbc.sql("""
                        SELECT workflow_id, task_id, attempt, site, status, block_id, worker_id, pid, exit_code, error,
                          stdout_tail, stderr_tail, queued_at, started_at, finished_at
                        FROM attempts WHERE workflow_id = :id
                        UNION ALL
                        SELECT workflow_id, task_id, attempt, site, :queued, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                          updated_at, NULL, NULL
                        FROM tasks t WHERE workflow_id = :id AND state = :queued AND NOT EXISTS (SELECT 1 FROM attempts a
                          WHERE a.workflow_id = t.workflow_id AND a.task_id = t.task_id AND a.attempt = t.attempt)
                        ORDER BY task_id, attempt""")
                .param("id", workflowId)
                .param("queued", AttemptRow.QUEUED)
                .query((rs, n) -> new AttemptRow(rs.getObject("workflow_id", UUID.class), rs.getString("task_id"),
                        rs.getInt("attempt"), rs.getString("site"), rs.getString("status"), rs.getString("block_id"),
                        rs.getString("worker_id"), (Long) rs.getObject("pid"), (Integer) rs.getObject("exit_code"),
                        rs.getString("error"), rs.getString("stdout_tail"), rs.getString("stderr_tail"),
                        instant(rs.getTimestamp("queued_at")), instant(rs.getTimestamp("started_at")),
                        instant(rs.getTimestamp("finished_at"))))
                .list();
    }

    /** A row read back: {@link #ROW_COLUMNS}, the spec left out. */
    private static WorkflowRow workflowRow(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new WorkflowRow(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("status"),
                null, rs.getString("labels"), rs.getBoolean("sealed"),
                instant(rs.getTimestamp("submitted_at")), instant(rs.getTimestamp("finished_at")), rs.getInt("task_count"));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
