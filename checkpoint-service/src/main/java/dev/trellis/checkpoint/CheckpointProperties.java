package dev.trellis.checkpoint;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the checkpoint-service ({@code trellis.checkpoint.*}).
 *
 * @param maxBatchSize the most keys one lookup or store request may carry
 */
@ConfigurationProperties("trellis.checkpoint")
public record CheckpointProperties(@DefaultValue("10000") int maxBatchSize) {
}
