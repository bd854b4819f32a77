package dev.trellis.checkpoint.memo;

import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** The {@link MemoEntryUpserts} fragment of {@link MemoEntryRepository}, found by Spring Data through its name. */
class MemoEntryUpsertsImpl implements MemoEntryUpserts {

    private static final String UPSERT = """
            INSERT INTO memo_entries (cache_key, app_name, workflow_name, workflow_id, task_id, result, outputs, created_at)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)
            ON CONFLICT (cache_key) DO UPDATE SET
                app_name = EXCLUDED.app_name, workflow_name = EXCLUDED.workflow_name, workflow_id = EXCLUDED.workflow_id,
                task_id = EXCLUDED.task_id, result = EXCLUDED.result, outputs = EXCLUDED.outputs,
                created_at = EXCLUDED.created_at, version = memo_entries.version + 1
            WHERE memo_entries.created_at <= EXCLUDED.created_at""";

    private final JdbcTemplate jdbc;

    MemoEntryUpsertsImpl(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public int upsertAll(Collection<MemoEntry> entries) {
        if (entries.isEmpty()) {
            return 0;
        }
        List<MemoEntry> rows = List.copyOf(entries);
        // Typed setters: a null result bound without a type would make the driver ask the server for one.
        int[] changed = jdbc.batchUpdate(UPSERT, new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement ps, int i) throws SQLException {
                MemoEntry entry = rows.get(i);
                ps.setString(1, entry.cacheKey());
                ps.setString(2, entry.appName());
                ps.setString(3, entry.workflowName());
                ps.setObject(4, entry.workflowId());
                ps.setString(5, entry.taskId());
                ps.setString(6, entry.resultJson());
                ps.setString(7, entry.outputsJson());
                ps.setObject(8, OffsetDateTime.ofInstant(entry.createdAt(), ZoneOffset.UTC));
            }

            @Override
            public int getBatchSize() {
                return rows.size();
            }
        });
        return Arrays.stream(changed).sum();
    }
}
