package dev.trellis.scheduler.dispatch;

import dev.trellis.scheduler.SchedulerIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
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

    @Test
    void resultsConsumerCommitsOncePerIntervalNotAfterEveryBatch() {
        MessageListenerContainer results = listeners.getListenerContainer("trellis-results");

        assertThat(results).isNotNull();
        assertThat(results.getContainerProperties().getAckMode()).isEqualTo(ContainerProperties.AckMode.TIME);
        assertThat(results.getContainerProperties().getAckTime()).isEqualTo(ReportListener.RESULTS_COMMIT_INTERVAL.toMillis());
    }
}
