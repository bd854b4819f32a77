package dev.trellis.scheduler.site;

import dev.trellis.engine.run.TaskState;
import dev.trellis.scheduler.SchedulerProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tasks out at each site, queued (in its topic) and running, against the slots its live blocks
 * offer: the load the least-loaded routing of unpinned tasks compares, and the queue depth
 * operators watch.
 */
@Component
public class SiteLoad {

    private static final double NO_LIVE_BLOCK = 1_000_000;

    private final SchedulerProperties properties;
    private final BlockRegistry blocks;
    private final Map<String, SiteCounts> counts = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    SiteLoad(SchedulerProperties properties, BlockRegistry blocks, MeterRegistry meters) {
        this.properties = properties;
        this.blocks = blocks;
        this.meters = meters;
        properties.siteNames().forEach(this::counts);
    }

    /** Follows a task of {@code site} from one state to another; only QUEUED and RUNNING are counted. */
    public void moved(String site, TaskState from, TaskState to) {
        if (site == null || from == to) {
            return;
        }
        SiteCounts tasks = counts(site);
        tasks.decrement(from);
        tasks.increment(to);
    }

    public int inFlight(String site) {
        SiteCounts tasks = counts(site);
        return tasks.queued.get() + tasks.running.get();
    }

    public int queued(String site) {
        return counts(site).queued.get();
    }

    public int running(String site) {
        return counts(site).running.get();
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

    private SiteCounts counts(String site) {
        return counts.computeIfAbsent(site, name -> {
            SiteCounts created = new SiteCounts();
            Gauge.builder("trellis.site.queue.depth", created.queued, AtomicInteger::get).tag("site", name)
                    .description("Tasks sent to the site's topic that no block has started yet").register(meters);
            Gauge.builder("trellis.site.tasks.running", created.running, AtomicInteger::get).tag("site", name)
                    .description("Tasks of the site a block is running").register(meters);
            return created;
        });
    }

    private static final class SiteCounts {
        final AtomicInteger queued = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();

        void increment(TaskState state) {
            counter(state).ifPresent(AtomicInteger::incrementAndGet);
        }

        void decrement(TaskState state) {
            counter(state).ifPresent(c -> c.updateAndGet(n -> Math.max(0, n - 1)));
        }

        private Optional<AtomicInteger> counter(TaskState state) {
            return switch (state) {
                case QUEUED -> Optional.of(queued);
                case RUNNING -> Optional.of(running);
                default -> Optional.empty();
            };
        }
    }
}
