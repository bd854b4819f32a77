package dev.trellis.scheduler.site;

import dev.trellis.protocol.Topics;
import dev.trellis.scheduler.SchedulerProperties;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

import java.util.ArrayList;
import java.util.List;

/** Declares the topics the scheduler writes and reads, so they exist with the right partitions before use. */
@Configuration(proxyBeanMethods = false)
class SiteTopics {

    /** A topic that exists with more partitions keeps them (Kafka cannot remove any); one with fewer is given more. */
    @Bean
    KafkaAdmin.NewTopics trellisTopics(SchedulerProperties properties) {
        int partitions = properties.dispatch().taskTopicPartitions();
        List<NewTopic> topics = new ArrayList<>();
        for (SchedulerProperties.Site site : properties.sites()) {
            int sitePartitions = site.taskTopicPartitions(partitions);
            topics.add(TopicBuilder.name(Topics.tasks(site.name())).partitions(sitePartitions).build());
            topics.add(TopicBuilder.name(Topics.deadLetter(Topics.tasks(site.name()))).partitions(sitePartitions).build());
        }
        topics.add(TopicBuilder.name(Topics.RESULTS).partitions(partitions).build());
        topics.add(TopicBuilder.name(Topics.deadLetter(Topics.RESULTS)).partitions(partitions).build());
        topics.add(TopicBuilder.name(Topics.HEARTBEATS).partitions(1).build());
        topics.add(TopicBuilder.name(Topics.deadLetter(Topics.HEARTBEATS)).partitions(1).build());
        // One partition: cancellations are few, and every block reads all of them anyway.
        topics.add(TopicBuilder.name(Topics.CONTROL).partitions(1).build());
        topics.add(TopicBuilder.name(Topics.deadLetter(Topics.CONTROL)).partitions(1).build());
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }
}
