package dev.trellis.scheduler.store;

import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code workflows}.
 *
 * @param specJson the workflow as submitted; null in rows read back ({@link WorkflowStore#findSpec} reads it)
 */
public record WorkflowRow(UUID id, String name, String status, String specJson, String labelsJson, boolean sealed,
                          Instant submittedAt, Instant finishedAt, int taskCount) {
}
