package dev.trellis.protocol.memo;

import java.util.List;

/** A batch of results to memoize; storing a key again replaces its entry. */
public record MemoStoreRequest(List<MemoRecord> entries) {
}
