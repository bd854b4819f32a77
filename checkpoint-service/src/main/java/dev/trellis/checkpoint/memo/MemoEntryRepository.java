package dev.trellis.checkpoint.memo;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

import java.util.List;

interface MemoEntryRepository extends JpaRepository<MemoEntry, String> {

    List<MemoEntry> findByAppNameOrderByCreatedAtDesc(String appName);

    @Modifying
    @Query("DELETE FROM MemoEntry e WHERE e.appName = :appName")
    int deleteByAppName(String appName);
}
