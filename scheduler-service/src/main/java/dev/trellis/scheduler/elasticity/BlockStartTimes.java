package dev.trellis.scheduler.elasticity;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * How long blocks take from being asked for to heartbeating, and to taking their first task: what
 * a waiting task pays for elasticity.
 */
@Component
class BlockStartTimes {

    private static final Logger log = LoggerFactory.getLogger(BlockStartTimes.class);

    private final MeterRegistry meters;

    BlockStartTimes(MeterRegistry meters) {
        this.meters = meters;
    }

    void up(String site, Duration took) {
        log.info("a block of site {} is up {} ms after it was asked for", site, took.toMillis());
        timer("trellis.site.block.startup", "Time from asking for a block to its first heartbeat", site).record(took);
    }

    void firstTask(String site, Duration took) {
        log.info("a block of site {} took its first task {} ms after it was asked for", site, took.toMillis());
        timer("trellis.site.block.first.task", "Time from asking for a block to it taking its first task", site).record(took);
    }

    private Timer timer(String name, String description, String site) {
        return Timer.builder(name).description(description).tag("site", site).publishPercentileHistogram(false)
                .register(meters);
    }
}
