package dev.trellis.scheduler;

import dev.trellis.engine.plan.PlanLimits;
import dev.trellis.engine.plan.WorkflowPlanner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.util.Set;

/** The plain-Java engine parts the scheduler's adapters use, built from its settings. */
@Configuration(proxyBeanMethods = false)
class SchedulerConfiguration {

    @Bean
    WorkflowPlanner workflowPlanner(SchedulerProperties properties) {
        return new WorkflowPlanner(Set.copyOf(properties.siteNames()),
                new PlanLimits(properties.limits().maxTasks(), PlanLimits.DEFAULTS.maxArgBytes()));
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
