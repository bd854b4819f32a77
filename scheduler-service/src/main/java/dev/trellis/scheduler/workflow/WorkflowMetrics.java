package dev.trellis.scheduler.workflow;

import dev.trellis.engine.run.TaskState;
import dev.trellis.engine.run.WorkflowStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntBiFunction;

/**
 * Workflow and task meters: one name per fact, with state, site and app as tags. Per-task meters
 * are kept once made: building a meter id and looking it up in the registry, several times per
 * task, cost the report thread more than the engine's own work.
 */
@Component
class WorkflowMetrics {

    private final MeterRegistry meters;
    private final Map<List<String>, Timer> queueWaits = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> runTimes = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> transitions = new ConcurrentHashMap<>();

    WorkflowMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Gauges over the active workflows: how many, and their tasks in each state. */
    <W> void trackActive(Map<?, W> active, ToIntBiFunction<W, TaskState> countInState) {
        Gauge.builder("trellis.workflows.active", active, Map::size)
                .description("Workflows the scheduler is driving").register(meters);
        for (TaskState state : TaskState.values()) {
            Gauge.builder("trellis.tasks.current", active,
                            workflows -> workflows.values().stream().mapToInt(w -> countInState.applyAsInt(w, state)).sum())
                    .description("Tasks of active workflows, by state").tag("state", state.name()).register(meters);
        }
    }

    void queueWait(String site, Duration wait) {
        queueWaits.computeIfAbsent(List.of(site), key -> Timer.builder("trellis.task.queue.wait")
                        .description("Time from dispatch until a block started the attempt")
                        .tag("site", site).publishPercentileHistogram().register(meters))
                .record(wait);
    }

    void runTime(String site, String app, String status, Duration runTime) {
        runTimes.computeIfAbsent(List.of(site, app, status), key -> Timer.builder("trellis.task.run.time")
                        .description("Time an attempt ran on its block, as the block measured it")
                        .tag("site", site).tag("app", app).tag("status", status).publishPercentileHistogram()
                        .register(meters))
                .record(runTime);
    }

    void taskMoved(String app, String site, TaskState to) {
        String siteTag = site == null ? "none" : site;
        transitions.computeIfAbsent(List.of(to.name(), app, siteTag), key -> Counter.builder("trellis.tasks.transitions")
                        .description("Task state changes, by the state entered")
                        .tag("state", to.name()).tag("app", app).tag("site", siteTag)
                        .register(meters))
                .increment();
    }

    void workflowFinished(WorkflowStatus status) {
        Counter.builder("trellis.workflows.finished").description("Workflows finished, by final status")
                .tag("status", status.name()).register(meters).increment();
    }
}
