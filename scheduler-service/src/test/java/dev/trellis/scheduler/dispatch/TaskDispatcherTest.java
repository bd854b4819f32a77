package dev.trellis.scheduler.dispatch;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.testsupport.TopicProbe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** How dispatched tasks spread over a site topic's partitions (a site no block serves, so nothing takes them). */
@SchedulerIntegrationTest
class TaskDispatcherTest {

    private static final String SITE = "dispatch-test";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    TaskDispatcher dispatcher;

    @Test
    void aBurstReachesEveryPartitionInEqualRunsOfConsecutiveTasks() {
        String workflowId = UUID.randomUUID().toString();
        try (TopicProbe topic = TopicProbe.watch(Topics.tasks(SITE))) {
            dispatcher.send(tasks(workflowId, 40));

            List<ConsumerRecord<String, byte[]>> sent = topic.await(r -> r.key().startsWith(workflowId + "/"), 40, WAIT);

            Map<Integer, List<Integer>> byPartition = sent.stream().collect(Collectors.groupingBy(ConsumerRecord::partition,
                    TreeMap::new, Collectors.mapping(r -> index(r), Collectors.toList())));
            // The probe made the topic with 4 partitions: runs of 10, each a block of consecutive tasks.
            assertThat(byPartition).hasSize(4);
            assertThat(byPartition.values()).allSatisfy(run -> {
                assertThat(run).hasSize(10);
                assertThat(run.get(run.size() - 1) - run.get(0)).isEqualTo(9);
            });
        }
    }

    @Test
    void tasksSentOneAtATimeGoToEachPartitionInTurn() {
        String workflowId = UUID.randomUUID().toString();
        try (TopicProbe topic = TopicProbe.watch(Topics.tasks(SITE))) {
            tasks(workflowId, 8).forEach(task -> dispatcher.send(List.of(task)));

            List<ConsumerRecord<String, byte[]>> sent = topic.await(r -> r.key().startsWith(workflowId + "/"), 8, WAIT);

            assertThat(sent.stream().collect(Collectors.groupingBy(ConsumerRecord::partition, Collectors.counting())))
                    .hasSize(4).allSatisfy((partition, count) -> assertThat(count).isEqualTo(2));
        }
    }

    private static List<TaskMessage> tasks(String workflowId, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new TaskMessage(workflowId, "task-" + i, 1, SITE, "echo",
                        AppSpec.java("echo", "1"), Map.of("value", i), List.of(), List.of()))
                .toList();
    }

    private static int index(ConsumerRecord<String, byte[]> record) {
        String taskId = WireCodec.read(record.value(), TaskMessage.class).taskId();
        return Integer.parseInt(taskId.substring("task-".length()));
    }
}
