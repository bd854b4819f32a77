package dev.trellis.scheduler.dispatch;

import dev.trellis.engine.plan.PlannedTask;
import dev.trellis.engine.site.SiteSelector;
import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.CancelMessage;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.scheduler.site.SiteLoad;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** Routes ready attempts to sites and sends them on the sites' task topics; sends cancellations to every block. */
@Component
public class TaskDispatcher {

    private static final Logger log = LoggerFactory.getLogger(TaskDispatcher.class);
    /** The most tasks of one call sent to one partition in a row. */
    private static final int MAX_RUN = 32;

    private final KafkaTemplate<String, byte[]> kafka;
    private final SiteLoad load;
    private final SiteSelector selector = new SiteSelector();
    private final Queue<TaskMessage> unsent = new ConcurrentLinkedQueue<>();
    private final Queue<CancelMessage> unsentCancels = new ConcurrentLinkedQueue<>();
    /** Where each task topic's next run of tasks starts. */
    private final Map<String, AtomicInteger> nextPartition = new ConcurrentHashMap<>();

    TaskDispatcher(KafkaTemplate<String, byte[]> kafka, SiteLoad load) {
        this.kafka = kafka;
        this.load = load;
    }

    /** The least-loaded site the task may run on, or empty when none of its sites exists. */
    public Optional<String> chooseSite(PlannedTask task, String defaultSite) {
        return selector.select(task.candidateSites(), defaultSite, load.loadBySite());
    }

    /** Whether the task may run on {@code site} (see {@link SiteSelector#allows}). */
    public boolean mayRun(PlannedTask task, String defaultSite, String site) {
        return selector.allows(task.candidateSites(), defaultSite, site);
    }

    public TaskMessage message(String workflowId, PlannedTask task, int attempt, String site,
                               Map<String, Object> args, List<String> inputs) {
        return new TaskMessage(workflowId, task.id(), attempt, site, task.appName(),
                task.app(), args, inputs, task.outputs());
    }

    /**
     * Sends without waiting; a send the broker refuses is kept and tried again by
     * {@link #resendFailed()}, so an accepted task is never dropped on a broker hiccup.
     *
     * <p>A site's tasks of one call are spread over its topic's partitions in runs: as even as
     * one by one, but a burst of thousands makes a few full batches per partition rather than one
     * record in each of many, and the broker's cost is per partition batch more than per record.
     */
    public void send(List<TaskMessage> messages) {
        Map<String, List<TaskMessage>> bySite = new LinkedHashMap<>();
        messages.forEach(message -> bySite.computeIfAbsent(message.site(), site -> new ArrayList<>()).add(message));
        bySite.forEach((site, siteMessages) -> {
            String topic = Topics.tasks(site);
            int partitions = partitionCount(topic);
            int runLength = partitions == 0 ? 1 : Math.min(MAX_RUN, (siteMessages.size() + partitions - 1) / partitions);
            int first = nextPartition.computeIfAbsent(topic, t -> new AtomicInteger()).getAndAdd(
                    (siteMessages.size() + runLength - 1) / runLength);
            for (int i = 0; i < siteMessages.size(); i++) {
                Integer partition = partitions == 0 ? null : Math.floorMod(first + i / runLength, partitions);
                send(topic, partition, siteMessages.get(i));
            }
        });
    }

    /** The topic's partitions as the producer knows them; 0 (let the producer pick) when it does not. */
    private int partitionCount(String topic) {
        try {
            return kafka.partitionsFor(topic).size();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private void send(String topic, Integer partition, TaskMessage message) {
        kafka.send(new ProducerRecord<>(topic, partition, message.key(), WireCodec.write(message)))
                .whenComplete((result, error) -> {
                    if (error != null) {
                        log.warn("could not send {} attempt {} to site {} ({}); will retry",
                                message.key(), message.attempt(), message.site(), error.getMessage());
                        unsent.add(message);
                    }
                });
    }

    /**
     * Tells the blocks to stop attempts the workflow abandoned, on the control topic every block
     * reads; like {@link #send}, a refused send is tried again by {@link #resendFailed()}.
     */
    public void sendCancels(List<CancelMessage> cancels) {
        for (CancelMessage cancel : cancels) {
            kafka.send(Topics.CONTROL, cancel.workflowId(), WireCodec.write(cancel))
                    .whenComplete((result, error) -> {
                        if (error != null) {
                            log.warn("could not send the cancellation of {}/{} attempt {} ({}); will retry",
                                    cancel.workflowId(), cancel.taskId(), cancel.attempt(), error.getMessage());
                            unsentCancels.add(cancel);
                        }
                    });
        }
    }

    public void resendFailed() {
        send(drain(unsent));
        sendCancels(drain(unsentCancels));
    }

    private static <T> List<T> drain(Queue<T> queue) {
        List<T> drained = new ArrayList<>();
        T message;
        while ((message = queue.poll()) != null) {
            drained.add(message);
        }
        return drained;
    }
}
