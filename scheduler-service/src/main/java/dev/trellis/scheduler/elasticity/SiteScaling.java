package dev.trellis.scheduler.elasticity;

import dev.trellis.engine.elastic.Block;
import dev.trellis.engine.elastic.BlockSettings;
import dev.trellis.engine.elastic.ScalingDecision;
import dev.trellis.engine.elastic.ScalingStrategy;
import dev.trellis.engine.elastic.SiteBlocks;
import dev.trellis.engine.elastic.SiteLoadSnapshot;
import dev.trellis.scheduler.SchedulerProperties;
import dev.trellis.scheduler.site.BlockRegistry;
import dev.trellis.scheduler.site.SiteLoad;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs Parsl's scaling strategy for every elastic site each tick, over the site's load and the
 * blocks its heartbeats describe. With the {@code external} provider the outcome is published as
 * the site's desired block count, for KEDA or an HPA to carry out.
 */
@Component
public class SiteScaling {

    private static final Logger log = LoggerFactory.getLogger(SiteScaling.class);
    static final String EXTERNAL = "external";

    private final Map<String, BlockSettings> elasticSites = new LinkedHashMap<>();
    private final Map<String, Map<String, Block>> blocksBySite = new HashMap<>();
    private final Map<String, AtomicInteger> desired = new ConcurrentHashMap<>();
    private final BlockRegistry registry;
    private final SiteLoad load;
    private final Clock clock;
    private final ScalingStrategy strategy = new ScalingStrategy();

    SiteScaling(SchedulerProperties properties, BlockRegistry registry, SiteLoad load, Clock clock, MeterRegistry meters) {
        this.registry = registry;
        this.load = load;
        this.clock = clock;
        for (SchedulerProperties.Site site : properties.sites()) {
            if (site.blocks() == null) {
                continue;
            }
            SchedulerProperties.Blocks blocks = site.blocks();
            if (!EXTERNAL.equals(blocks.provider())) {
                throw new IllegalArgumentException("site " + site.name() + ": block provider '" + blocks.provider()
                        + "' is not available; use 'external' (KEDA or an HPA scales the site's workers)");
            }
            elasticSites.put(site.name(), new BlockSettings(site.slotsPerBlock(), blocks.initBlocks(), blocks.minBlocks(),
                    blocks.maxBlocks(), blocks.parallelism(), blocks.walltime(), blocks.maxIdleTime(), blocks.startTimeout()));
            AtomicInteger wanted = new AtomicInteger(blocks.initBlocks());
            desired.put(site.name(), wanted);
            Gauge.builder("trellis.site.blocks.desired", wanted, AtomicInteger::get).tag("site", site.name())
                    .description("Blocks the scheduler wants taking tasks at an elastic site").register(meters);
        }
    }

    @Scheduled(fixedDelayString = "${trellis.scheduler.dispatch.tick-interval:500ms}")
    synchronized void tick() {
        Instant now = clock.instant();
        elasticSites.forEach((site, settings) -> {
            SiteBlocks blocks = observedBlocks(site, settings, now);
            ScalingDecision decision = strategy.decide(new SiteLoadSnapshot(load.queued(site), load.running(site)),
                    blocks, settings, now);
            int before = desired.get(site).getAndSet(decision.desiredBlocks());
            if (before != decision.desiredBlocks()) {
                log.info("site {} wants {} blocks (was {}): {} queued, {} running tasks", site, decision.desiredBlocks(),
                        before, load.queued(site), load.running(site));
            }
        });
    }

    /** The desired block count of an elastic site; empty for a static or unknown site. */
    public Optional<Integer> desiredBlocks(String site) {
        return Optional.ofNullable(desired.get(site)).map(AtomicInteger::get);
    }

    /** The blocks heard from, kept across ticks so each remembers when it was last busy. */
    private SiteBlocks observedBlocks(String site, BlockSettings settings, Instant now) {
        Map<String, Block> known = blocksBySite.computeIfAbsent(site, s -> new HashMap<>());
        Map<String, Block> live = new HashMap<>();
        for (BlockRegistry.Block heard : registry.all()) {
            if (!heard.site().equals(site) || heard.lost()) {
                continue;
            }
            Block block = known.get(heard.blockId());
            if (block == null) {
                block = Block.requested(heard.blockId(), Math.max(heard.slots(), settings.slotsPerBlock()), heard.lastSeen());
            }
            live.put(heard.blockId(), block.heartbeat(heard.busySlots(), now));
        }
        known.clear();
        known.putAll(live);
        return new SiteBlocks(live.values().stream().toList());
    }
}
