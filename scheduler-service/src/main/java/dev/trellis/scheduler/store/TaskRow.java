package dev.trellis.scheduler.store;

/** A row of {@code tasks}: a task's current state, its latest attempt number, and its outcome. */
public record TaskRow(String taskId, String appName, String state, int attempt, String site, String resultJson, String error) {
}
