package dev.trellis.scheduler.workflow;

import dev.trellis.engine.run.TaskState;
import dev.trellis.engine.run.WorkflowStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Map;
import java.util.function.ToIntBiFunction;

/** Workflow and task meters: one name per fact, with state, site and app as tags. */
@Component
class WorkflowMetrics {

    private final MeterRegistry meters;

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
        Timer.builder("trellis.task.queue.wait").description("Time from dispatch until a block started the attempt")
                .tag("site", site).publishPercentileHistogram().register(meters).record(wait);
    }

    void runTime(String site, String app, String status, Duration runTime) {
        Timer.builder("trellis.task.run.time").description("Time an attempt ran on its block, as the block measured it")
                .tag("site", site).tag("app", app).tag("status", status).publishPercentileHistogram()
                .register(meters).record(runTime);
    }

    void taskMoved(String app, String site, TaskState to) {
        Counter.builder("trellis.tasks.transitions")
                .description("Task state changes, by the state entered")
                .tag("state", to.name()).tag("app", app).tag("site", site == null ? "none" : site)
                .register(meters).increment();
    }

    void workflowFinished(WorkflowStatus status) {
        Counter.builder("trellis.workflows.finished").description("Workflows finished, by final status")
                .tag("status", status.name()).register(meters).increment();
    }
}
