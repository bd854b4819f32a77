package dev.trellis.checkpoint.memo;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

import java.util.List;

/** Memo entries: listing and invalidation; lookups are {@link MemoLookups}, writes {@link MemoEntryUpserts}. */
interface MemoEntryRepository extends JpaRepository<MemoEntry, String>, MemoEntryUpserts {

    List<MemoEntry> findByAppNameOrderByCreatedAtDesc(String appName);

    @Modifying
    @Query("DELETE FROM MemoEntry e WHERE e.cacheKey = :key")
    int deleteByKey(String key);

    @Modifying
    @Query("DELETE FROM MemoEntry e WHERE e.appName = :appName")
    int deleteByAppName(String appName);

    /**
     * Entries stored by runs of the workflow name: those it stored last, and those its checkpoints
     * name even if a run of another workflow stored the same key since.
     */
    @Modifying
    @Query(nativeQuery = true, value = """
            DELETE FROM memo_entries e
            WHERE e.workflow_name = :workflowName
               OR e.cache_key IN (SELECT ce.cache_key FROM checkpoint_entries ce JOIN checkpoints c ON c.id = ce.checkpoint_id
                                  WHERE c.workflow_name = :workflowName)""")
    int deleteByWorkflowName(String workflowName);
}
