package dev.trellis.scheduler.store;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

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

    /** New tasks up to this many go in the {@code write_step} call rather than a COPY before it. */
    private static final int INSERT_ROWS_AT_MOST = 100;
    /** COPY data goes out in pieces of about this many characters, so a large DAG is never one huge buffer. */
    private static final int COPY_CHUNK_CHARS = 256 * 1024;

    private static final ObjectMapper STEP_JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final TransactionTemplate transaction;

    WorkflowStore(JdbcClient jdbc, JdbcTemplate batch, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.transaction = transaction;
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

    public void updateWorkflowStatus(UUID workflowId, String status) {
        jdbc.sql("UPDATE workflows SET status = ? WHERE id = ?").params(status, workflowId).update();
    }

    /**
     * Writes what engine steps changed, all or nothing, with one call of the {@code write_step}
     * function: a single statement, so one round trip is the whole transaction. A submission of
     * more than {@value #INSERT_ROWS_AT_MOST} tasks streams its task rows with {@code COPY} first,
     * in one transaction with the rest.
     *
     * @param at         the tasks' {@code updated_at}
     * @param finishedAt the end of the workflows that finished
     */
    public void write(StepRows rows, Instant at, Instant finishedAt) {
        if (rows.newTaskCount() <= INSERT_ROWS_AT_MOST) {
            callWriteStep(rows, rows.newTasks(), at, finishedAt);
            return;
        }
        transaction.executeWithoutResult(status -> {
            copyNewTasks(rows.newTasks(), at);
            callWriteStep(rows, Map.of(), at, finishedAt);
        });
    }

    private void callWriteStep(StepRows rows, Map<UUID, List<TaskRow>> newTasks, Instant at, Instant finishedAt) {
        StepDocument document = new StepDocument(at, finishedAt, rows.newWorkflows(), byWorkflow(newTasks),
                byWorkflow(rows.changedTasks()), rows.newAttempts(), rows.attemptUpdates(),
                rows.finished().entrySet().stream().map(e -> new FinishedWorkflow(e.getKey(), e.getValue())).toList());
        jdbc.sql("SELECT write_step(?::jsonb)").param(STEP_JSON.writeValueAsString(document)).query(row -> { });
    }

    private static List<WorkflowTasks> byWorkflow(Map<UUID, List<TaskRow>> tasks) {
        List<WorkflowTasks> batches = new ArrayList<>(tasks.size());
        tasks.forEach((workflowId, rows) -> {
            if (!rows.isEmpty()) {
                batches.add(new WorkflowTasks(workflowId, rows));
            }
        });
        return batches;
    }

    /** {@code write_step}'s argument: the JSON keys are the tables' column names (snake case). */
    private record StepDocument(Instant at, Instant finishedAt, List<WorkflowRow> workflows, List<WorkflowTasks> newTasks,
                                List<WorkflowTasks> changedTasks, List<AttemptRow> newAttempts,
                                List<AttemptRow> attemptUpdates, List<FinishedWorkflow> finished) {
    }

    private record WorkflowTasks(UUID workflowId, List<TaskRow> tasks) {
    }

    private record FinishedWorkflow(UUID id, String status) {
    }

    /**
     * Inserts the rows of tasks new to their workflows with one {@code COPY}, in the caller's
     * transaction: a submitted DAG may hold 100,000 tasks, and COPY streams them several times
     * faster than row inserts. A task already stored fails the whole COPY (primary key).
     */
    void copyNewTasks(Map<UUID, List<TaskRow>> tasksByWorkflow, Instant at) {
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

    public Optional<WorkflowRow> findWorkflow(UUID id) {
        return jdbc.sql("SELECT * FROM workflows WHERE id = ?").param(id).query(WorkflowStore::workflowRow).optional();
    }

    public List<UUID> findActiveWorkflowIds() {
        return jdbc.sql("SELECT id FROM workflows WHERE finished_at IS NULL ORDER BY submitted_at")
                .query(UUID.class).list();
    }

    public List<WorkflowRow> listWorkflows(String name, String status, int offset, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM workflows WHERE true");
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

    private static WorkflowRow workflowRow(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new WorkflowRow(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("status"),
                rs.getString("spec"), rs.getString("labels"), rs.getBoolean("sealed"),
                instant(rs.getTimestamp("submitted_at")), instant(rs.getTimestamp("finished_at")), rs.getInt("task_count"));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
