package dev.trellis.worker.block;

import dev.trellis.protocol.Topics;
import dev.trellis.worker.WorkerProperties;
import dev.trellis.worker.app.AppExecutor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

/** The block's parts: its slots, the execution that runs tasks in them, the intake's offsets, and its heartbeat. */
@Configuration(proxyBeanMethods = false)
class BlockConfiguration {

    @Bean(destroyMethod = "")
    SlotPool slotPool(WorkerProperties properties, MeterRegistry meters) {
        SlotPool pool = new SlotPool(properties.slots(), properties.python());
        Gauge.builder("trellis.worker.slots", pool, SlotPool::size).tag("site", properties.site())
                .description("Slots of this block").register(meters);
        Gauge.builder("trellis.worker.slots.busy", pool, SlotPool::busy).tag("site", properties.site())
                .description("Slots of this block running a task").register(meters);
        return pool;
    }

    @Bean
    TaskExecution taskExecution(WorkerProperties properties, AppExecutor apps, SlotPool slots,
                                KafkaTemplate<String, byte[]> kafka, MeterRegistry meters) {
        return new TaskExecution(properties, apps, slots, kafka, meters);
    }

    @Bean
    IntakeOffsets intakeOffsets(TaskExecution execution) {
        return new IntakeOffsets(execution::flushReports);
    }

    @Bean(TaskIntake.CONTAINER_SETUP)
    ContainerPostProcessor<String, byte[], AbstractMessageListenerContainer<String, byte[]>> taskIntakeContainerSetup(
            IntakeOffsets offsets) {
        return container -> {
            ContainerProperties properties = container.getContainerProperties();
            properties.setAckMode(ContainerProperties.AckMode.MANUAL); // IntakeOffsets commits, the container never does
            properties.setIdleEventInterval(TaskIntake.IDLE_COMMIT_AFTER.toMillis());
            properties.setConsumerRebalanceListener(offsets);
        };
    }

    /**
     * The heartbeats topic as the scheduler makes it (one partition), made here too when missing:
     * a block whose first heartbeat raced the topic's auto-creation could see its idempotent
     * producer stuck retrying an out-of-order sequence, and its reports with it.
     */
    @Bean
    NewTopic heartbeatsTopic() {
        return TopicBuilder.name(Topics.HEARTBEATS).partitions(1).build();
    }

    @Bean
    HeartbeatPublisher heartbeatPublisher(WorkerProperties properties, SlotPool slots, TaskExecution execution,
                                          TaskIntake intake, KafkaTemplate<String, byte[]> kafka) {
        return new HeartbeatPublisher(properties, slots, execution, intake, kafka);
    }
}
