package dev.trellis.scheduler.dispatch;

import dev.trellis.engine.plan.PlannedTask;
import dev.trellis.engine.site.SiteSelector;
import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.CancelMessage;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.scheduler.site.SiteLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Routes ready attempts to sites and sends them on the sites' task topics; sends cancellations to every block. */
@Component
public class TaskDispatcher {

    private static final Logger log = LoggerFactory.getLogger(TaskDispatcher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final SiteLoad load;
    private final SiteSelector selector = new SiteSelector();
    private final Queue<TaskMessage> unsent = new ConcurrentLinkedQueue<>();
    private final Queue<CancelMessage> unsentCancels = new ConcurrentLinkedQueue<>();

    TaskDispatcher(KafkaTemplate<String, byte[]> kafka, SiteLoad load) {
        this.kafka = kafka;
        this.load = load;
    }

    /** The least-loaded site the task may run on, or empty when none of its sites exists. */
    public Optional<String> chooseSite(PlannedTask task, String defaultSite) {
        return selector.select(task.candidateSites(), defaultSite, load.loadBySite());
    }

    public TaskMessage message(String workflowId, PlannedTask task, int attempt, String site,
                               Map<String, Object> args, List<String> inputs) {
        return new TaskMessage(TaskMessage.CURRENT_VERSION, workflowId, task.id(), attempt, site, task.appName(),
                task.app(), args, inputs, task.outputs());
    }

    /**
     * Sends without waiting; a send the broker refuses is kept and tried again by
     * {@link #resendFailed()}, so an accepted task is never dropped on a broker hiccup.
     */
    public void send(List<TaskMessage> messages) {
        for (TaskMessage message : messages) {
            kafka.send(Topics.tasks(message.site()), message.key(), WireCodec.write(message))
                    .whenComplete((result, error) -> {
                        if (error != null) {
                            log.warn("could not send {} attempt {} to site {} ({}); will retry",
                                    message.key(), message.attempt(), message.site(), error.getMessage());
                            unsent.add(message);
                        }
                    });
        }
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
