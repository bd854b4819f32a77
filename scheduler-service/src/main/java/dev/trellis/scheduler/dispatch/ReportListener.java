package dev.trellis.scheduler.dispatch;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.UnreadableMessageException;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.HeartbeatMessage;
import dev.trellis.protocol.message.ResultMessage;
import dev.trellis.scheduler.SchedulerProperties;
import dev.trellis.scheduler.site.BlockRegistry;
import dev.trellis.scheduler.workflow.WorkflowCoordinator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Consumes worker reports in batches (one database round trip per batch, not per report) and
 * heartbeats. An unreadable report is dead-lettered after the readable ones before it are applied.
 */
@Component
class ReportListener {

    static final String RESULTS_CONTAINER_SETUP = "resultsContainerSetup";
    /** How often the results consumer commits its offsets while reports flow. */
    static final Duration RESULTS_COMMIT_INTERVAL = Duration.ofSeconds(1);

    private final WorkflowCoordinator coordinator;
    private final BlockRegistry blocks;
    private final Clock clock;

    ReportListener(WorkflowCoordinator coordinator, BlockRegistry blocks, Clock clock) {
        this.coordinator = coordinator;
        this.blocks = blocks;
        this.clock = clock;
    }

    @KafkaListener(id = "trellis-results", topics = Topics.RESULTS, groupId = "${trellis.scheduler.consumer-group:trellis-scheduler}", batch = "true",
            concurrency = "${trellis.scheduler.dispatch.report-consumers:" + SchedulerProperties.Dispatch.DEFAULT_REPORT_CONSUMERS + "}",
            properties = "max.poll.records=2000", containerPostProcessor = RESULTS_CONTAINER_SETUP)
    void onReports(List<ConsumerRecord<String, byte[]>> records) {
        List<ResultMessage> reports = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            try {
                reports.add(readable(WireCodec.read(records.get(i).value(), ResultMessage.class)));
            } catch (UnreadableMessageException e) {
                coordinator.onReports(reports);
                throw new BatchListenerFailedException(e.getMessage(), e, i);
            }
        }
        coordinator.onReports(reports);
    }

    /**
     * Offsets are committed once per {@link #RESULTS_COMMIT_INTERVAL}, not after every batch: a
     * synchronous commit per batch held the report thread a broker round trip each time, and cost
     * the broker a request per few reports. Applying a report twice changes nothing, so after a
     * restart the reports of the last interval are simply read again.
     */
    @Bean(RESULTS_CONTAINER_SETUP)
    static ContainerPostProcessor<String, byte[], AbstractMessageListenerContainer<String, byte[]>> resultsContainerSetup() {
        return container -> {
            container.getContainerProperties().setAckMode(ContainerProperties.AckMode.TIME);
            container.getContainerProperties().setAckTime(RESULTS_COMMIT_INTERVAL.toMillis());
        };
    }

    /** A report from a newer worker than this scheduler understands is dead-lettered, not guessed at. */
    private static ResultMessage readable(ResultMessage report) {
        if (report.version() > ResultMessage.CURRENT_VERSION) {
            throw new UnreadableMessageException("result message version " + report.version()
                    + " is newer than this scheduler understands (" + ResultMessage.CURRENT_VERSION + ")", null);
        }
        return report;
    }

    /**
     * Heartbeats are read from the end by a consumer group of this scheduler instance alone: a
     * restarted scheduler must hear live blocks at once, not after a shared group's rebalance waited
     * out the dead instance (which would make it declare every block lost). Its committed offsets
     * expire with the broker's offsets retention.
     */
    @KafkaListener(id = "trellis-heartbeats", topics = Topics.HEARTBEATS,
            groupId = "${trellis.scheduler.consumer-group:trellis-scheduler}-heartbeats-#{T(java.util.UUID).randomUUID()}",
            properties = "auto.offset.reset=latest")
    void onHeartbeat(ConsumerRecord<String, byte[]> record) {
        blocks.heard(WireCodec.read(record.value(), HeartbeatMessage.class), clock.instant());
    }
}
