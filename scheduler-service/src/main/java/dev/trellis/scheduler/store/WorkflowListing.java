package dev.trellis.scheduler.store;

import java.time.Instant;

/**
 * Which workflows a listing returns, in its order: newest first (submitted_at descending, then id).
 * Every filter is optional (null).
 *
 * @param submittedFrom only those submitted at or after this
 * @param after only those listed after this workflow, so a caller pages on from the last row it
 *              read without an offset the database would have to walk again
 */
public record WorkflowListing(String name, String status, Instant submittedFrom, WorkflowRow after, int offset, int limit) {
}
