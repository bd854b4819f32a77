package dev.trellis.checkpoint.memo;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.UUID;

/** One memoized task result (JPA entity; never sent over the wire as is). */
@Entity
@Table(name = "memo_entries")
class MemoEntry {

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

    @Version
    private long version;

    protected MemoEntry() {
    }

    MemoEntry(String cacheKey, String appName, String workflowName, UUID workflowId, String taskId,
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
