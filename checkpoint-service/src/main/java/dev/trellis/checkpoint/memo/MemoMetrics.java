package dev.trellis.checkpoint.memo;

import dev.trellis.checkpoint.CheckpointProperties;
import dev.trellis.checkpoint.checkpoint.NewCheckpoint;
import dev.trellis.protocol.memo.MemoLookupRequest.ResumeScope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The memo store's meters: lookups by outcome, lookup latency by scope, entries stored,
 * checkpoints recorded by mode, and the number of entries. That number is counted on a schedule,
 * so a scrape (or many scrapers) never runs a {@code COUNT(*)}.
 */
@Component
class MemoMetrics implements SchedulingConfigurer {

    private final MeterRegistry registry;
    private final MemoEntryRepository entries;
    private final CheckpointProperties properties;
    private final Counter hits;
    private final Counter misses;
    private final Counter stored;
    private final Map<ResumeScope.Kind, Timer> lookupLatency = new EnumMap<>(ResumeScope.Kind.class);
    private final AtomicLong entryCount = new AtomicLong();

    MemoMetrics(MeterRegistry registry, MemoEntryRepository entries, CheckpointProperties properties) {
        this.registry = registry;
        this.entries = entries;
        this.properties = properties;
        this.hits = lookups("hit", registry);
        this.misses = lookups("miss", registry);
        this.stored = Counter.builder("trellis.memo.stored").description("Memo entries inserted or replaced").register(registry);
        for (ResumeScope.Kind scope : ResumeScope.Kind.values()) {
            lookupLatency.put(scope, Timer.builder("trellis.memo.lookup.latency").description("Time to answer one batch lookup")
                    .tag("scope", scope.name().toLowerCase(Locale.ROOT)).publishPercentileHistogram().register(registry));
        }
        Gauge.builder("trellis.memo.entries", entryCount, AtomicLong::get).description("Memo entries stored, as last counted")
                .register(registry);
    }

    private static Counter lookups(String outcome, MeterRegistry registry) {
        return Counter.builder("trellis.memo.lookups").tag("outcome", outcome).description("Memo keys looked up").register(registry);
    }

    <T> T timeLookup(ResumeScope.Kind scope, Supplier<T> lookup) {
        return lookupLatency.get(scope).record(lookup);
    }

    void lookedUp(int keys, int found) {
        hits.increment(found);
        misses.increment(keys - found);
    }

    void stored(int entries, List<NewCheckpoint> createdCheckpoints) {
        stored.increment(entries);
        for (NewCheckpoint checkpoint : createdCheckpoints) {
            // Not "trellis.checkpoints.created": Prometheus reserves the _created suffix and would drop it.
            Counter.builder("trellis.checkpoints").description("Checkpoints recorded").tag("mode", checkpoint.mode())
                    .register(registry).increment();
        }
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(this::countEntries, properties.entryCountRefresh());
    }

    void countEntries() {
        entryCount.set(entries.count());
    }
}
