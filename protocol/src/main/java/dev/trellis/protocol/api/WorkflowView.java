package dev.trellis.protocol.api;

import java.util.List;
import java.util.Map;

/**
 * A workflow as {@code GET /api/workflows/{id}} shows it.
 *
 * @param status      RUNNING, SUCCEEDED, FAILED or CANCELLED
 * @param taskCounts  how many tasks are in each state
 * @param tasks       every task, in submission order (omitted from list views)
 */
public record WorkflowView(
        String id,
        String name,
        String status,
        boolean sealed,
        Map<String, String> labels,
        long submittedAtMillis,
        Long finishedAtMillis,
        int taskCount,
        Map<String, Integer> taskCounts,
        List<TaskView> tasks) {
}
