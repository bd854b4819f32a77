package dev.trellis.checkpoint.memo;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.trellis.protocol.memo.MemoRecord;

import java.util.List;

/**
 * A looked-up entry as the lookup answers it: the JSON of a {@link MemoRecord}, with the result
 * and outputs written as Postgres holds them rather than parsed and written again. A rerun's
 * lookup answers tens of thousands of entries, and that round trip was most of its cost here.
 *
 * @param result  the result's JSON, {@code null} for a null result
 * @param outputs the JSON array of the outputs' paths and digests
 */
record FoundEntry(String cacheKey, String appName, String workflowName, String workflowId, String taskId,
                  @JsonRawValue String result, @JsonRawValue String outputs, long createdAtMillis) {

    /** What the lookup answers: the same members as the protocol's {@code MemoLookupResponse}. */
    record Answer(List<FoundEntry> found) {
    }
}
