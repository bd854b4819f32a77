package dev.trellis.scheduler.dispatch;

import dev.trellis.protocol.message.BlockPhase;
import dev.trellis.scheduler.SchedulerProperties;
import dev.trellis.scheduler.site.BlockRegistry;
import dev.trellis.scheduler.workflow.WorkflowCoordinator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
        List<BlockRegistry.Block> lost = blocks.markLost(clock.instant(), properties.dispatch().workerTimeout());
        if (lost.isEmpty()) {
            return;
        }
        // A block that said it stopped is routine (scaled in, shut down); a silent one is not.
        Map<Boolean, List<String>> byStopped = lost.stream().collect(Collectors.partitioningBy(
                block -> block.phase() == BlockPhase.STOPPED, Collectors.mapping(BlockRegistry.Block::blockId, Collectors.toList())));
        if (!byStopped.get(true).isEmpty()) {
            log.info("blocks {} stopped; any task they still ran will run again", byStopped.get(true));
        }
        if (!byStopped.get(false).isEmpty()) {
            log.warn("blocks {} sent no heartbeat for {}: their running tasks will run again", byStopped.get(false),
                    properties.dispatch().workerTimeout());
        }
        coordinator.onBlocksLost(lost.stream().map(BlockRegistry.Block::blockId).toList());
    }
}
