package dev.trellis.scheduler.elasticity;

import dev.trellis.engine.elastic.BlockSettings;
import dev.trellis.engine.elastic.BlockState;
import dev.trellis.engine.elastic.ScalingDecision;
import dev.trellis.engine.elastic.ScalingStrategy;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs Parsl's scaling strategy for every elastic site each tick, over the site's load and its
 * blocks, and carries the decision out through the site's provider: new blocks are asked for, idle
 * ones and those at their walltime are told to drain, and drained ones (heartbeating DRAINING with
 * no busy slot) are stopped, so no running task is ever killed by scaling in. With the
 * {@code external} provider the outcome is only published as the site's desired block count, for
 * KEDA or an HPA to carry out.
 */
@Component
public class SiteScaling {

    private static final Logger log = LoggerFactory.getLogger(SiteScaling.class);
    static final String EXTERNAL = "external";
    /** After a block failed to start, no new one is asked for this long: a broken launch must not loop. */
    private static final Duration START_FAILURE_PAUSE = Duration.ofSeconds(10);

    private final Map<String, ElasticSite> sites = new LinkedHashMap<>();
    private final Map<String, BlockProvider> providers = new HashMap<>();
    private final Map<String, AtomicInteger> desired = new ConcurrentHashMap<>();
    private final Map<String, Instant> startsPausedUntil = new HashMap<>();
    private final BlockRegistry registry;
    private final SiteLoad load;
    private final Clock clock;
    private final BlockDrains drains;
    private final ScalingStrategy strategy = new ScalingStrategy();
    private boolean started;

    SiteScaling(SchedulerProperties properties, BlockRegistry registry, SiteLoad load, Clock clock, MeterRegistry meters,
                List<BlockProvider> available, BlockDrains drains, BlockStartTimes startTimes) {
        this.registry = registry;
        this.load = load;
        this.clock = clock;
        this.drains = drains;
        Map<String, BlockProvider> byName = available.stream()
                .collect(Collectors.toMap(BlockProvider::name, provider -> provider));
        for (SchedulerProperties.Site site : properties.sites()) {
            Gauge.builder("trellis.site.slots", registry, r -> r.liveSlots(site.name())).tag("site", site.name())
                    .description("Slots of the site's live blocks").register(meters);
            Gauge.builder("trellis.site.slots.busy", registry, r -> r.busySlots(site.name())).tag("site", site.name())
                    .description("Slots of the site's live blocks running a task").register(meters);
            Gauge.builder("trellis.site.utilization", registry, r -> utilization(r, site.name())).tag("site", site.name())
                    .description("Busy share of the site's live slots, 0..1").register(meters);
            if (site.blocks() == null) {
                continue;
            }
            SchedulerProperties.Blocks blocks = site.blocks();
            if (!EXTERNAL.equals(blocks.provider())) {
                BlockProvider provider = byName.get(blocks.provider());
                if (provider == null) {
                    throw new IllegalArgumentException("site " + site.name() + ": there is no block provider '"
                            + blocks.provider() + "'; use one of " + Stream.concat(Stream.of(EXTERNAL),
                            byName.keySet().stream().sorted()).toList());
                }
                providers.put(site.name(), provider);
            }
            BlockSettings settings = new BlockSettings(site.slotsPerBlock(), blocks.initBlocks(), blocks.minBlocks(),
                    blocks.maxBlocks(), blocks.parallelism(), blocks.walltime(), blocks.maxIdleTime(), blocks.startTimeout());
            ElasticSite elastic = new ElasticSite(site.name(), site.executor(), settings, startTimes);
            sites.put(site.name(), elastic);
            AtomicInteger wanted = new AtomicInteger(blocks.initBlocks());
            desired.put(site.name(), wanted);
            Gauge.builder("trellis.site.blocks.desired", wanted, AtomicInteger::get).tag("site", site.name())
                    .description("Blocks the scheduler wants taking tasks at an elastic site").register(meters);
            for (BlockState state : BlockState.values()) {
                Gauge.builder("trellis.site.blocks", this, s -> s.count(site.name(), state))
                        .tags("site", site.name(), "state", state.name())
                        .description("Blocks of an elastic site by state (gone ones for 5 minutes)").register(meters);
            }
        }
    }

    @Scheduled(fixedDelayString = "${trellis.scheduler.dispatch.tick-interval:500ms}")
    synchronized void tick() {
        Instant now = clock.instant();
        Collection<BlockRegistry.Block> heard = registry.all();
        for (ElasticSite site : sites.values()) {
            try {
                tick(site, heard, now);
            } catch (RuntimeException e) {
                log.error("scaling site {} failed this tick", site.name(), e);
            }
        }
        started = true;
    }

    private void tick(ElasticSite site, Collection<BlockRegistry.Block> heard, Instant now) {
        BlockProvider provider = providers.get(site.name());
        if (!started && provider != null) {
            site.expectPending(provider.existingBlocks(site.name()), now);
        }
        Set<String> ended = provider == null ? Set.of() : provider.endedBlocks(site.name());
        if (ended.stream().anyMatch(id -> site.get(id) != null && site.get(id).state() == BlockState.PENDING)) {
            pauseStarts(site, now, "a block exited before it came up");
        }
        List<TrackedBlock> lost = site.observe(heard, ended, now);
        if (provider != null) {
            // A lost block may still exist (a hung process, a failed pod left behind): have it removed.
            lost.forEach(block -> stopQuietly(site, provider, block));
        }
        ScalingDecision decision = started
                ? strategy.decide(new SiteLoadSnapshot(load.queued(site.name()), load.running(site.name())),
                        site.snapshot(), site.settings(), now)
                : strategy.atStart(site.snapshot(), site.settings());
        int before = desired.get(site.name()).getAndSet(decision.desiredBlocks());
        if (before != decision.desiredBlocks()) {
            log.info("site {} wants {} blocks (was {}): {} queued, {} running tasks", site.name(), decision.desiredBlocks(),
                    before, load.queued(site.name()), load.running(site.name()));
        }
        if (provider != null) {
            carryOut(site, provider, decision, now);
        }
    }

    private void carryOut(ElasticSite site, BlockProvider provider, ScalingDecision decision, Instant now) {
        for (ScalingDecision.Stop stop : decision.blocksToStop()) {
            TrackedBlock block = site.get(stop.blockId());
            try {
                provider.stop(block.handle(site.name()));
                site.stopped(block.id(), now);
                log.info("site {}: block {} stopped ({})", site.name(), block.id(), stop.reason());
            } catch (BlockProviderException e) {
                log.warn("site {}: block {} could not be stopped ({}); trying again next tick", site.name(), block.id(),
                        e.getMessage());
            }
            if (stop.reason() == ScalingDecision.StopReason.START_TIMED_OUT) {
                pauseStarts(site, now, "block " + block.id() + " did not come up within " + site.settings().startTimeout());
            }
        }
        for (ScalingDecision.Drain drain : decision.blocksToDrain()) {
            site.drained(drain.blockId(), now);
            log.info("site {}: draining block {} ({})", site.name(), drain.blockId(), drain.reason());
        }
        for (TrackedBlock block : site.blocks()) {
            if (block.drainUnheard()) {
                drains.send(site.name(), block.id(), "scaling in");
            }
        }
        startBlocks(site, provider, decision.blocksToStart(), now);
    }

    private static void stopQuietly(ElasticSite site, BlockProvider provider, TrackedBlock block) {
        try {
            provider.stop(block.handle(site.name()));
        } catch (BlockProviderException e) {
            log.warn("site {}: lost block {} could not be cleaned up: {}", site.name(), block.id(), e.getMessage());
        }
    }

    private void startBlocks(ElasticSite site, BlockProvider provider, int count, Instant now) {
        Instant paused = startsPausedUntil.get(site.name());
        if (count == 0 || (paused != null && now.isBefore(paused))) {
            return;
        }
        for (int i = 0; i < count; i++) {
            String id = site.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
            try {
                provider.start(new BlockLaunch(site.name(), id, site.settings().slotsPerBlock(), site.executor()));
                site.requested(id, now);
                log.info("site {}: asked {} for block {}", site.name(), provider.name(), id);
            } catch (BlockProviderException e) {
                log.error("site {}: block {} could not be started: {}", site.name(), id, e.getMessage());
                pauseStarts(site, now, "a start failed");
                return;
            }
        }
    }

    private void pauseStarts(ElasticSite site, Instant now, String why) {
        log.warn("site {}: {}; no new block is asked for during {}", site.name(), why, START_FAILURE_PAUSE);
        startsPausedUntil.put(site.name(), now.plus(START_FAILURE_PAUSE));
    }

    private static double utilization(BlockRegistry registry, String site) {
        int slots = registry.liveSlots(site);
        return slots == 0 ? 0 : (double) registry.busySlots(site) / slots;
    }

    /** The desired block count of an elastic site; empty for a static or unknown site. */
    public Optional<Integer> desiredBlocks(String site) {
        return Optional.ofNullable(desired.get(site)).map(AtomicInteger::get);
    }

    /** The blocks of an elastic site as scaling tracks them; empty for a static or unknown site. */
    synchronized Optional<List<TrackedBlock>> blocks(String site) {
        return Optional.ofNullable(sites.get(site)).map(ElasticSite::blocks);
    }

    private synchronized int count(String site, BlockState state) {
        return sites.get(site).count(state);
    }
}
