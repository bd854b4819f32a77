package dev.trellis.scheduler.workflow;

import dev.trellis.engine.run.TaskState;
import dev.trellis.engine.run.WorkflowStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.util.Map;

/** Workflow and task meters: one name per fact, with state, site and app as tags. */
@Component
class WorkflowMetrics {

    private final MeterRegistry meters;

    WorkflowMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void trackActive(Map<?, ?> active) {
        Gauge.builder("trellis.workflows.active", active, Map::size)
                .description("Workflows the scheduler is driving").register(meters);
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
