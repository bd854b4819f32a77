package dev.trellis.scheduler.dispatch;

import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.SchedulerProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The results consumer commits on a timer: a synchronous commit after every batch of reports held
 * the report thread a broker round trip each time. That re-reading the reports of the last interval
 * after a restart changes nothing is {@code SchedulerRestartTest}'s subject.
 */
@SchedulerIntegrationTest
class ResultsConsumerCommitsTest {

    @Autowired
    KafkaListenerEndpointRegistry listeners;
    @Autowired
    SchedulerProperties properties;

    @Test
    void resultsConsumerCommitsOncePerIntervalNotAfterEveryBatch() {
        MessageListenerContainer results = listeners.getListenerContainer("trellis-results");

        assertThat(results).isNotNull();
        assertThat(results.getContainerProperties().getAckMode()).isEqualTo(ContainerProperties.AckMode.TIME);
        assertThat(results.getContainerProperties().getAckTime()).isEqualTo(ReportListener.RESULTS_COMMIT_INTERVAL.toMillis());
    }

    /**
     * One report thread held back long runs of small workflows: it waits on Postgres for each batch's
     * rows while the submissions keep coming, and 100,000 batched workflows finished 3-4 s after the
     * last was submitted (0.6-0.9 s with two).
     */
    @Test
    void reportsAreAppliedByAsManyConsumersAsConfigured() {
        MessageListenerContainer results = listeners.getListenerContainer("trellis-results");

        assertThat(properties.dispatch().reportConsumers()).isEqualTo(2);
        assertThat(results).isInstanceOfSatisfying(ConcurrentMessageListenerContainer.class, container -> {
            assertThat(container.getConcurrency()).isEqualTo(properties.dispatch().reportConsumers());
            assertThat(container.getContainers()).hasSize(2);
        });
    }
}
