package dev.trellis.scheduler.dispatch;

import dev.trellis.scheduler.SchedulerProperties;
import dev.trellis.scheduler.site.BlockRegistry;
import dev.trellis.scheduler.workflow.WorkflowCoordinator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.List;

/** The scheduler's heartbeat: due retries, refused sends, and blocks that went silent. */
@Component
class DispatchTicker {

    private static final Logger log = LoggerFactory.getLogger(DispatchTicker.class);

    private final WorkflowCoordinator coordinator;
    private final BlockRegistry blocks;
    private final SchedulerProperties properties;
    private final Clock clock;

    DispatchTicker(WorkflowCoordinator coordinator, BlockRegistry blocks, SchedulerProperties properties, Clock clock) {
        this.coordinator = coordinator;
        this.blocks = blocks;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${trellis.scheduler.dispatch.tick-interval:500ms}")
    void tick() {
        coordinator.tick();
        List<String> lost = blocks.markLost(clock.instant(), properties.dispatch().workerTimeout());
        if (!lost.isEmpty()) {
            log.warn("blocks {} stopped or sent no heartbeat for {}: their running tasks will run again", lost,
                    properties.dispatch().workerTimeout());
            coordinator.onBlocksLost(lost);
        }
    }
}
