package dev.trellis.protocol.memo;

import java.util.List;

/** The keys of a batch of ready cacheable tasks: one round trip per batch, never one per task. */
public record MemoLookupRequest(List<String> keys) {
}
