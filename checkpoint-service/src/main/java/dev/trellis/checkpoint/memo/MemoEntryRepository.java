package dev.trellis.checkpoint.memo;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

import java.util.List;
import java.util.UUID;

/**
 * Memo entries. Each lookup is one SQL statement whatever the number of keys ({@code = ANY} of an
 * array), so a batch of ready tasks costs one round trip.
 */
interface MemoEntryRepository extends JpaRepository<MemoEntry, String>, MemoEntryUpserts {

    @Query(nativeQuery = true, value = "SELECT * FROM memo_entries WHERE cache_key = ANY(:keys)")
    List<MemoEntry> findAllByKeys(String[] keys);

    /** Entries linked to at least one of the checkpoints. */
    @Query(nativeQuery = true, value = """
            SELECT e.* FROM memo_entries e
            WHERE e.cache_key = ANY(:keys)
              AND EXISTS (SELECT 1 FROM checkpoint_entries ce
                          WHERE ce.cache_key = e.cache_key AND ce.checkpoint_id = ANY(:checkpointIds))""")
    List<MemoEntry> findAllByKeysInCheckpoints(String[] keys, UUID[] checkpointIds);

    /**
     * Entries linked to any checkpoint of the newest run of the workflow name: the run (workflow id)
     * of its newest checkpoint, ties broken by checkpoint id as in the checkpoint listing. The run
     * asking ({@code excludeWorkflowId}, "" for none) is skipped: it resumes from an earlier run.
     */
    @Query(nativeQuery = true, value = """
            SELECT e.* FROM memo_entries e
            WHERE e.cache_key = ANY(:keys)
              AND EXISTS (SELECT 1 FROM checkpoint_entries ce JOIN checkpoints c ON c.id = ce.checkpoint_id
                          WHERE ce.cache_key = e.cache_key
                            AND c.workflow_name = :workflowName
                            AND c.workflow_id = (SELECT newest.workflow_id FROM checkpoints newest
                                                 WHERE newest.workflow_name = :workflowName
                                                   AND newest.workflow_id::text <> :excludeWorkflowId
                                                 ORDER BY newest.created_at DESC, newest.id DESC
                                                 LIMIT 1))""")
    List<MemoEntry> findAllByKeysInLatestRun(String[] keys, String workflowName, String excludeWorkflowId);

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
