package dev.trellis.scheduler.site;

import dev.trellis.scheduler.SchedulerProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tasks out at each site (queued or running) against the slots its live blocks offer: the load
 * the least-loaded routing of unpinned tasks compares.
 */
@Component
public class SiteLoad {

    private static final double NO_LIVE_BLOCK = 1_000_000;

    private final SchedulerProperties properties;
    private final BlockRegistry blocks;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    SiteLoad(SchedulerProperties properties, BlockRegistry blocks, MeterRegistry meters) {
        this.properties = properties;
        this.blocks = blocks;
        for (String site : properties.siteNames()) {
            AtomicInteger count = new AtomicInteger();
            inFlight.put(site, count);
            Gauge.builder("trellis.site.tasks.in.flight", count, AtomicInteger::get).tag("site", site)
                    .description("Tasks sent to the site and not finished: its queue depth plus running tasks")
                    .register(meters);
        }
    }

    public void dispatched(String site) {
        counter(site).incrementAndGet();
    }

    public void returned(String site) {
        counter(site).updateAndGet(n -> Math.max(0, n - 1));
    }

    public int inFlight(String site) {
        return counter(site).get();
    }

    /**
     * Every configured site with its load: in-flight tasks per live slot. A site with no live block
     * counts as fuller than any site with one, so unpinned tasks go where something can run them;
     * among such sites the one with fewer waiting tasks wins.
     */
    public Map<String, Double> loadBySite() {
        Map<String, Double> load = new LinkedHashMap<>();
        for (SchedulerProperties.Site site : properties.sites()) {
            int slots = blocks.liveSlots(site.name());
            int tasks = inFlight(site.name());
            load.put(site.name(), slots > 0 ? (double) tasks / slots : NO_LIVE_BLOCK + tasks);
        }
        return load;
    }

    private AtomicInteger counter(String site) {
        return inFlight.computeIfAbsent(site, s -> new AtomicInteger());
    }
}
