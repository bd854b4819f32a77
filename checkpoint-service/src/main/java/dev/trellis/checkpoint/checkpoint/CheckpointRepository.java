package dev.trellis.checkpoint.checkpoint;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Checkpoints and their entry links in SQL: recording is an insert-unless-present that must
 * report which ids were new, and listings count links, neither of which JPA expresses well.
 */
@Repository
class CheckpointRepository {

    private static final String SELECT_WITH_ENTRY_COUNT = """
            SELECT c.id, c.workflow_name, c.workflow_id, c.mode, c.created_at,
                   (SELECT count(*) FROM checkpoint_entries ce WHERE ce.checkpoint_id = c.id) AS entry_count
            FROM checkpoints c
            """;

    private final JdbcTemplate jdbc;
    private final JdbcClient client;

    CheckpointRepository(JdbcTemplate jdbc, JdbcClient client) {
        this.jdbc = jdbc;
        this.client = client;
    }

    /** Inserts in one JDBC batch; an id recorded before is left untouched. @return the checkpoints that were new */
    List<NewCheckpoint> insertAbsent(List<NewCheckpoint> checkpoints) {
        List<Object[]> rows = checkpoints.stream()
                .map(c -> new Object[] {c.id(), c.workflowName(), c.workflowId(), c.mode(), OffsetDateTime.ofInstant(c.createdAt(), ZoneOffset.UTC)})
                .toList();
        int[] inserted = jdbc.batchUpdate("""
                INSERT INTO checkpoints (id, workflow_name, workflow_id, mode, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING""", rows);
        List<NewCheckpoint> created = new ArrayList<>();
        for (int i = 0; i < inserted.length; i++) {
            if (inserted[i] > 0) {
                created.add(checkpoints.get(i));
            }
        }
        return created;
    }

    /** Links each checkpoint to its entries' keys, each link with the checkpoint's run, in one JDBC batch. */
    void link(List<NewCheckpoint> checkpoints) {
        List<Object[]> rows = new ArrayList<>();
        for (NewCheckpoint checkpoint : checkpoints) {
            checkpoint.keys().forEach(key -> rows.add(new Object[] {checkpoint.id(), key, checkpoint.workflowId()}));
        }
        jdbc.batchUpdate("""
                INSERT INTO checkpoint_entries (checkpoint_id, cache_key, workflow_id) VALUES (?, ?, ?)
                ON CONFLICT DO NOTHING""", rows);
    }

    /** Newest first; the id breaks ties the same way the LATEST lookup does. */
    List<StoredCheckpoint> findByWorkflowName(String workflowName) {
        return client.sql(SELECT_WITH_ENTRY_COUNT + " WHERE c.workflow_name = ? ORDER BY c.created_at DESC, c.id DESC")
                .param(workflowName)
                .query(CheckpointRepository::stored)
                .list();
    }

    Optional<StoredCheckpoint> findById(UUID id) {
        return client.sql(SELECT_WITH_ENTRY_COUNT + " WHERE c.id = ?").param(id).query(CheckpointRepository::stored).optional();
    }

    private static StoredCheckpoint stored(ResultSet rs, int row) throws SQLException {
        return new StoredCheckpoint(rs.getObject("id", UUID.class), rs.getString("workflow_name"),
                rs.getObject("workflow_id", UUID.class), rs.getString("mode"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getInt("entry_count"));
    }
}
