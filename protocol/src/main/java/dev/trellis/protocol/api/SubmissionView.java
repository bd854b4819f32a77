package dev.trellis.protocol.api;

/** The answer to a submission: the new workflow's id, where to watch it, and how many tasks it holds. */
public record SubmissionView(String id, String name, String status, int taskCount, String href) {
}
