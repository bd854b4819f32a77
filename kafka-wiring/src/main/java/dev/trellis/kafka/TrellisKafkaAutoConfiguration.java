package dev.trellis.kafka;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.UnreadableMessageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/**
 * What every Trellis service needs from Kafka beyond Boot's defaults: a record that cannot be
 * processed goes to {@code <topic>-dlt} with the exception in its headers instead of blocking the
 * partition or vanishing, and {@code /actuator/health} reports whether the broker answers.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
public class TrellisKafkaAutoConfiguration {

    /**
     * A failing record is retried twice (a transient failure, e.g. a database hiccup), then
     * dead-lettered and counted in {@code trellis.kafka.dead.letters{topic}}.
     */
    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    DefaultErrorHandler deadLetterErrorHandler(KafkaOperations<Object, Object> template, ObjectProvider<MeterRegistry> meters) {
        // Partition -1: the producer picks one, so a dead-letter topic need not mirror the source's partitions.
        DeadLetterPublishingRecoverer publisher = new DeadLetterPublishingRecoverer(template,
                (record, exception) -> new TopicPartition(Topics.deadLetter(record.topic()), -1));
        MeterRegistry registry = meters.getIfAvailable();
        ConsumerRecordRecoverer recoverer = (record, exception) -> {
            if (registry != null) {
                Counter.builder("trellis.kafka.dead.letters").description("Records sent to a dead-letter topic")
                        .tag("topic", record.topic()).register(registry).increment();
            }
            publisher.accept(record, exception);
        };
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, new FixedBackOff(200, 2));
        // Unreadable bytes will not become readable by retrying.
        handler.addNotRetryableExceptions(UnreadableMessageException.class);
        return handler;
    }

    @Bean(name = "kafkaHealthIndicator", destroyMethod = "close")
    @ConditionalOnMissingBean(name = "kafkaHealthIndicator")
    KafkaBrokerHealthIndicator kafkaHealthIndicator(KafkaAdmin admin) {
        return new KafkaBrokerHealthIndicator(AdminClient.create(admin.getConfigurationProperties()));
    }
}
