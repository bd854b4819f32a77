package dev.trellis.scheduler.store;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The scheduler's rows in Postgres. Writes are batched per engine step (one round trip for all
 * the tasks a result touched), because per-task round trips are what limits throughput.
 */
@Repository
public class WorkflowStore {

    /** New tasks up to this many are inserted with INSERT rather than COPY. */
    private static final int INSERT_ROWS_AT_MOST = 100;
    /** COPY data goes out in pieces of about this many characters, so a large DAG is never one huge buffer. */
    private static final int COPY_CHUNK_CHARS = 256 * 1024;
    /** What reads of {@code workflows} return: every column but the spec (see {@link #findWorkflow}). */
    private static final String ROW_COLUMNS = "id, name, status, labels, sealed, submitted_at, finished_at, task_count";

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;

    WorkflowStore(JdbcClient jdbc, JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    /** Inserts submitted workflows' rows in one batch. */
    public void insertWorkflows(List<WorkflowRow> workflows) {
        if (workflows.isEmpty()) {
            return;
        }
        batch.batchUpdate("""
                        INSERT INTO workflows (id, name, status, spec, labels, sealed, submitted_at, task_count)
                        VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)""",
                workflows, 1000, (ps, workflow) -> {
                    ps.setObject(1, workflow.id());
                    ps.setString(2, workflow.name());
                    ps.setString(3, workflow.status());
                    ps.setString(4, workflow.specJson());
                    ps.setString(5, workflow.labelsJson());
                    ps.setBoolean(6, workflow.sealed());
                    ps.setTimestamp(7, Timestamp.from(workflow.submittedAt()));
                    ps.setInt(8, workflow.taskCount());
                });
    }

    public void insertTaskBatch(UUID workflowId, int seq, String tasksJson) {
        jdbc.sql("INSERT INTO workflow_task_batches (workflow_id, seq, tasks) VALUES (?, ?, ?::jsonb)")
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
    public void finishWorkflows(Map<UUID, String> statusById, Instant at) {
        if (statusById.isEmpty()) {
            return;
        }
        Timestamp finishedAt = at == null ? null : Timestamp.from(at);
        batch.batchUpdate("UPDATE workflows SET status = ?, finished_at = ? WHERE id = ?",
                List.copyOf(statusById.entrySet()), 1000, (ps, finished) -> {
                    ps.setString(1, finished.getValue());
                    ps.setTimestamp(2, finishedAt);
                    ps.setObject(3, finished.getKey());
                });
    }

    public void updateWorkflowStatus(UUID workflowId, String status) {
        jdbc.sql("UPDATE workflows SET status = ? WHERE id = ?").params(status, workflowId).update();
    }

    /**
     * Inserts the rows of tasks new to the workflow with one {@code COPY}: a submitted DAG may hold
     * 100,000 tasks, and COPY streams them several times faster than batched INSERTs. Runs in the
     * caller's transaction; a task already stored fails the whole COPY (primary key).
     */
    public void insertNewTasks(UUID workflowId, List<TaskRow> tasks, Instant at) {
        insertNewTasks(Map.of(workflowId, tasks), at);
    }

    /**
     * {@link #insertNewTasks(UUID, List, Instant)} for several workflows, in one {@code COPY}; a few
     * rows go as one multi-row {@code INSERT} instead, since COPY costs an extra round trip.
     */
    public void insertNewTasks(Map<UUID, List<TaskRow>> tasksByWorkflow, Instant at) {
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
    public void upsertTasks(Map<UUID, List<TaskRow>> tasksByWorkflow, Instant at) {
        writeTasks(tasksByWorkflow, at, """
                ON CONFLICT (workflow_id, task_id) DO UPDATE SET
                  state = excluded.state, attempt = excluded.attempt, site = excluded.site,
                  result = excluded.result, error = excluded.error, updated_at = excluded.updated_at""");
    }

    /** Inserts new tasks in one batch (one multi-row statement, with {@code reWriteBatchedInserts}). */
    private void insertTasks(Map<UUID, List<TaskRow>> tasksByWorkflow, Instant at) {
        writeTasks(tasksByWorkflow, at, "");
    }

    private void writeTasks(Map<UUID, List<TaskRow>> tasksByWorkflow, Instant at, String onConflict) {
        List<Map.Entry<UUID, TaskRow>> tasks = new ArrayList<>();
        tasksByWorkflow.forEach((workflowId, rows) -> rows.forEach(row -> tasks.add(Map.entry(workflowId, row))));
        if (tasks.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(at);
        batch.batchUpdate("""
                        INSERT INTO tasks (workflow_id, task_id, app_name, state, attempt, site, result, error, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
                        """ + onConflict,
                tasks, 1000, (ps, workflowTask) -> {
                    TaskRow task = workflowTask.getValue();
                    ps.setObject(1, workflowTask.getKey());
                    ps.setString(2, task.taskId());
                    ps.setString(3, task.appName());
                    ps.setString(4, task.state());
                    ps.setInt(5, task.attempt());
                    ps.setString(6, task.site());
                    ps.setString(7, task.resultJson());
                    ps.setString(8, task.error());
                    ps.setTimestamp(9, now);
                });
    }

    public void insertAttempts(List<AttemptRow> attempts) {
        if (attempts.isEmpty()) {
            return;
        }
        batch.batchUpdate("""
                        INSERT INTO attempts (workflow_id, task_id, attempt, site, status, block_id, queued_at, started_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (workflow_id, task_id, attempt) DO NOTHING""",
                attempts, 1000, (ps, attempt) -> {
                    ps.setObject(1, attempt.workflowId());
                    ps.setString(2, attempt.taskId());
                    ps.setInt(3, attempt.attempt());
                    ps.setString(4, attempt.site());
                    ps.setString(5, attempt.status());
                    ps.setString(6, attempt.blockId());
                    ps.setTimestamp(7, Timestamp.from(attempt.queuedAt()));
                    ps.setTimestamp(8, attempt.startedAt() == null ? null : Timestamp.from(attempt.startedAt()));
                });
    }

    /**
     * Records what a worker reported about an attempt (STARTED, or its end). An attempt the
     * scheduler already gave up on (LOST, CANCELLED) keeps that status: a late report from a block
     * thought dead must not rewrite it, since recovery counts lost attempts.
     */
    public void updateAttempts(List<AttemptRow> reports) {
        if (reports.isEmpty()) {
            return;
        }
        batch.batchUpdate("""
                        UPDATE attempts SET status = ?, block_id = COALESCE(?, block_id), worker_id = COALESCE(?, worker_id),
                          pid = COALESCE(?, pid), exit_code = ?, error = ?, stdout_tail = ?, stderr_tail = ?,
                          started_at = COALESCE(?, started_at), finished_at = ?
                        WHERE workflow_id = ? AND task_id = ? AND attempt = ?
                          AND status NOT IN ('LOST', 'CANCELLED')""",
                reports, 1000, (ps, a) -> {
                    ps.setString(1, a.status());
                    ps.setString(2, a.blockId());
                    ps.setString(3, a.workerId());
                    ps.setObject(4, a.pid());
                    ps.setObject(5, a.exitCode());
                    ps.setString(6, a.error());
                    ps.setString(7, a.stdoutTail());
                    ps.setString(8, a.stderrTail());
                    ps.setTimestamp(9, a.startedAt() == null ? null : Timestamp.from(a.startedAt()));
                    ps.setTimestamp(10, a.finishedAt() == null ? null : Timestamp.from(a.finishedAt()));
                    ps.setObject(11, a.workflowId());
                    ps.setString(12, a.taskId());
                    ps.setInt(13, a.attempt());
                });
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

    public List<WorkflowRow> listWorkflows(String name, String status, int offset, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + ROW_COLUMNS + " FROM workflows WHERE true");
        List<Object> params = new ArrayList<>();
        if (name != null) {
            sql.append(" AND name = ?");
            params.add(name);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            params.add(status);
        }
        sql.append(" ORDER BY submitted_at DESC, id OFFSET ? LIMIT ?");
        params.add(offset);
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(WorkflowStore::workflowRow).list();
    }

    public List<TaskRow> findTasks(UUID workflowId) {
        return jdbc.sql("SELECT task_id, app_name, state, attempt, site, result::text AS result, error FROM tasks WHERE workflow_id = ?")
                .param(workflowId)
                .query((rs, n) -> new TaskRow(rs.getString("task_id"), rs.getString("app_name"), rs.getString("state"),
                        rs.getInt("attempt"), rs.getString("site"), rs.getString("result"), rs.getString("error")))
                .list();
    }

    public List<AttemptRow> findAttempts(UUID workflowId) {
        return jdbc.sql("SELECT * FROM attempts WHERE workflow_id = ? ORDER BY task_id, attempt")
                .param(workflowId)
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
}
