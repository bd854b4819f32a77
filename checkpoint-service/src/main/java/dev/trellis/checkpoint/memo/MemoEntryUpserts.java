package dev.trellis.checkpoint.memo;

import java.util.Collection;

/** Writes memo entries in one JDBC batch: JPA has no upsert, and its merge reads every row first. */
interface MemoEntryUpserts {

    /**
     * Inserts each entry or replaces the stored one with its key, unless the stored one is newer
     * ({@code createdAt}): a redelivered or late batch never rolls a key back. Keys must be distinct.
     *
     * @return how many rows were inserted or replaced
     */
    int upsertAll(Collection<MemoEntry> entries);
}
