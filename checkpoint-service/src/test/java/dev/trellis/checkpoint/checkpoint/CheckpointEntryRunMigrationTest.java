package dev.trellis.checkpoint.checkpoint;

import dev.trellis.checkpoint.RunningCheckpointService;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import javax.sql.DataSource;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** V3 gives every checkpoint link its run: links written before it must find their run too. */
@RunningCheckpointService
class CheckpointEntryRunMigrationTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void linksStoredBeforeTheRunColumnExistedAreGivenTheRunOfTheirCheckpoint() {
        String schema = "before_v3_" + UUID.randomUUID().toString().replace("-", "");
        migrate(schema, "2");
        UUID runA = UUID.randomUUID();
        UUID runB = UUID.randomUUID();
        UUID checkpointA = UUID.randomUUID();
        UUID checkpointB = UUID.randomUUID();
        for (String key : List.of("k1", "k2")) {
            jdbc.sql("INSERT INTO " + schema + ".memo_entries (cache_key, app_name, workflow_name, workflow_id, task_id, created_at) "
                    + "VALUES (?, 'app', 'wf', ?, 't', ?)").params(key, runA, OffsetDateTime.now()).update();
        }
        jdbc.sql("INSERT INTO " + schema + ".checkpoints (id, workflow_name, workflow_id, mode, created_at) VALUES (?, 'wf', ?, 'task_exit', ?), (?, 'wf', ?, 'task_exit', ?)")
                .params(checkpointA, runA, OffsetDateTime.now(), checkpointB, runB, OffsetDateTime.now()).update();
        jdbc.sql("INSERT INTO " + schema + ".checkpoint_entries (checkpoint_id, cache_key) VALUES (?, 'k1'), (?, 'k2'), (?, 'k2')")
                .params(checkpointA, checkpointA, checkpointB).update();

        migrate(schema, "latest");

        List<String> links = jdbc.sql("SELECT cache_key || ' ' || workflow_id FROM " + schema + ".checkpoint_entries ORDER BY 1")
                .query(String.class).list();
        assertThat(links).containsExactlyInAnyOrder("k1 " + runA, "k2 " + runA, "k2 " + runB);
        jdbc.sql("DROP SCHEMA " + schema + " CASCADE").update();
    }

    private void migrate(String schema, String target) {
        Flyway.configure().dataSource(dataSource).schemas(schema).locations("classpath:db/migration/checkpoint")
                .target(target).load().migrate();
    }
}
