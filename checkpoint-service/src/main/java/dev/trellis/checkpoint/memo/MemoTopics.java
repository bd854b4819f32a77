package dev.trellis.checkpoint.memo;

import dev.trellis.checkpoint.CheckpointProperties;
import dev.trellis.protocol.Topics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/** Declares the store topic this service consumes and its dead-letter topic, so both exist before use. */
@Configuration(proxyBeanMethods = false)
class MemoTopics {

    @Bean
    KafkaAdmin.NewTopics memoStoreTopics(CheckpointProperties properties) {
        int partitions = properties.storeTopicPartitions();
        return new KafkaAdmin.NewTopics(
                TopicBuilder.name(Topics.MEMO_STORE).partitions(partitions).build(),
                TopicBuilder.name(Topics.deadLetter(Topics.MEMO_STORE)).partitions(partitions).build());
    }
}
