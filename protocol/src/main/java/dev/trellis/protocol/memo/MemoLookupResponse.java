package dev.trellis.protocol.memo;

import java.util.List;

/** The entries found for a lookup; keys without an entry are simply absent. */
public record MemoLookupResponse(List<MemoRecord> found) {
}
