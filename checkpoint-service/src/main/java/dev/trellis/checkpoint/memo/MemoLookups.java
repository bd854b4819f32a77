package dev.trellis.checkpoint.memo;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Scoped lookups of memo entries in plain SQL, rows mapped straight to the JSON answered: a rerun
 * asks for thousands of keys at once, and entity hydration would cost more than the query. Each lookup
 * is one statement whatever the number of keys ({@code = ANY} of an array).
 */
@Repository
class MemoLookups {

    private static final String COLUMNS = "e.cache_key, e.app_name, e.workflow_name, e.workflow_id, e.task_id, "
            + "e.result::text AS result, e.outputs::text AS outputs, e.created_at";

    private final JdbcTemplate jdbc;

    MemoLookups(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    List<FoundEntry> byKeys(String[] keys) {
        return jdbc.query(connection -> statement(connection, "SELECT " + COLUMNS + " FROM memo_entries e WHERE e.cache_key = ANY(?)",
                text(connection, keys)), MemoLookups::record);
    }

    /** Entries linked to at least one of the checkpoints. */
    List<FoundEntry> byKeysInCheckpoints(String[] keys, UUID[] checkpointIds) {
        return jdbc.query(connection -> statement(connection, "SELECT " + COLUMNS + """
                         FROM memo_entries e
                        WHERE e.cache_key = ANY(?)
                          AND EXISTS (SELECT 1 FROM checkpoint_entries ce
                                      WHERE ce.cache_key = e.cache_key AND ce.checkpoint_id = ANY(?))""",
                text(connection, keys), connection.createArrayOf("uuid", checkpointIds)), MemoLookups::record);
    }

    /**
     * Entries linked to any checkpoint of the newest run of the workflow name: the run (workflow id)
     * of its newest checkpoint, ties broken by checkpoint id as in the checkpoint listing. The run
     * asking ({@code excludeWorkflowId}, "" for none) is skipped: it resumes from an earlier run.
     */
    List<FoundEntry> byKeysInLatestRun(String[] keys, String workflowName, String excludeWorkflowId) {
        return jdbc.query(connection -> statement(connection, """
                        WITH latest AS (SELECT workflow_id FROM checkpoints
                                        WHERE workflow_name = ? AND workflow_id::text <> ?
                                        ORDER BY created_at DESC, id DESC
                                        LIMIT 1)
                        SELECT""" + " " + COLUMNS + """
                         FROM memo_entries e
                        WHERE e.cache_key = ANY(?)
                          AND EXISTS (SELECT 1 FROM checkpoint_entries ce
                                      WHERE ce.workflow_id = (SELECT workflow_id FROM latest)
                                        AND ce.cache_key = e.cache_key)""",
                workflowName, excludeWorkflowId, text(connection, keys)), MemoLookups::record);
    }

    private static PreparedStatement statement(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }

    private static Array text(Connection connection, String[] values) throws SQLException {
        return connection.createArrayOf("text", values);
    }

    private static FoundEntry record(ResultSet rs, int row) throws SQLException {
        return new FoundEntry(rs.getString("cache_key"), rs.getString("app_name"), rs.getString("workflow_name"),
                rs.getString("workflow_id"), rs.getString("task_id"), rs.getString("result"), rs.getString("outputs"),
                rs.getTimestamp("created_at").getTime());
    }
}
