package dev.trellis.checkpoint.memo;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.memo.MemoRecord;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import tools.jackson.core.type.TypeReference;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One memoized task result (JPA entity; never sent over the wire as is). JPA only reads it:
 * rows are written by {@link MemoEntryUpserts}, an upsert JPA cannot express.
 */
@Entity
@Table(name = "memo_entries")
class MemoEntry {

    private static final TypeReference<List<MemoRecord.OutputDigest>> OUTPUTS = new TypeReference<>() { };

    @Id
    @Column(name = "cache_key")
    private String cacheKey;

    @Column(name = "app_name", nullable = false)
    private String appName;

    @Column(name = "workflow_name", nullable = false)
    private String workflowName;

    @Column(name = "workflow_id", nullable = false)
    private UUID workflowId;

    @Column(name = "task_id", nullable = false)
    private String taskId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "result")
    private String resultJson;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "outputs", nullable = false)
    private String outputsJson;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected MemoEntry() {
    }

    private MemoEntry(String cacheKey, String appName, String workflowName, UUID workflowId, String taskId,
                      String resultJson, String outputsJson, Instant createdAt) {
        this.cacheKey = cacheKey;
        this.appName = appName;
        this.workflowName = workflowName;
        this.workflowId = workflowId;
        this.taskId = taskId;
        this.resultJson = resultJson;
        this.outputsJson = outputsJson;
        this.createdAt = createdAt;
    }

    /**
     * The entry a wire record asks to store; problems are added to {@code errors} under {@code path}
     * (e.g. {@code $.entries[3]}), and the result is null when there were any.
     */
    static MemoEntry from(MemoRecord record, String path, FieldErrors errors) {
        int before = errors.count();
        errors.requireText(record.cacheKey(), path + ".cacheKey");
        errors.requireText(record.appName(), path + ".appName");
        errors.requireText(record.workflowName(), path + ".workflowName");
        errors.requireText(record.taskId(), path + ".taskId");
        UUID workflowId = errors.uuid(record.workflowId(), path + ".workflowId");
        if (errors.count() > before) {
            return null;
        }
        return new MemoEntry(record.cacheKey(), record.appName(), record.workflowName(), workflowId, record.taskId(),
                record.result() == null ? null : WireCodec.writeString(record.result()), WireCodec.writeString(record.outputs()),
                Instant.ofEpochMilli(record.createdAtMillis()));
    }

    MemoRecord toRecord() {
        return new MemoRecord(cacheKey, appName, workflowName, workflowId.toString(), taskId,
                resultJson == null ? null : WireCodec.readValue(resultJson, Object.class),
                WireCodec.readValue(outputsJson, OUTPUTS), createdAt.toEpochMilli());
    }

    /** Of two entries for one key the newer wins, as in the upsert; a tie goes to the one stored last. */
    boolean isNewerThan(MemoEntry other) {
        return !createdAt.isBefore(other.createdAt);
    }

    String cacheKey() {
        return cacheKey;
    }

    String appName() {
        return appName;
    }

    String workflowName() {
        return workflowName;
    }

    UUID workflowId() {
        return workflowId;
    }

    String taskId() {
        return taskId;
    }

    String resultJson() {
        return resultJson;
    }

    String outputsJson() {
        return outputsJson;
    }

    Instant createdAt() {
        return createdAt;
    }
}
