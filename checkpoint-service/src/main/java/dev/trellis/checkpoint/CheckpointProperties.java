package dev.trellis.checkpoint;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Settings of the checkpoint-service ({@code trellis.checkpoint.*}).
 *
 * @param maxBatchSize          the most keys one lookup or store request may carry; also the most entries
 *                              the Kafka intake writes in one transaction when it groups store batches
 * @param storeTopicPartitions  partitions of {@code trellis.memo.store} and its dead-letter topic: the most
 *                              checkpoint-service instances that consume it side by side
 * @param entryCountRefresh     how often the {@code trellis.memo.entries} gauge counts the table (a scrape
 *                              reads the last count and never queries the database)
 */
@ConfigurationProperties("trellis.checkpoint")
public record CheckpointProperties(
        @DefaultValue("10000") int maxBatchSize,
        @DefaultValue("8") int storeTopicPartitions,
        @DefaultValue("30s") Duration entryCountRefresh) {
}
