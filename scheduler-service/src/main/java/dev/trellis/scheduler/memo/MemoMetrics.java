package dev.trellis.scheduler.memo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import java.util.concurrent.TimeUnit;

/** The cache as the scheduler sees it: outcomes per cacheable task, lookup latency, outages. */
@Component
class MemoMetrics {

    private final MeterRegistry meters;
    private final Timer lookupLatency;
    private final Counter unavailable;

    MemoMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.lookupLatency = Timer.builder("trellis.memo.lookup.latency").description("Round trip of a batched memo lookup")
                .publishPercentileHistogram().register(meters);
        this.unavailable = Counter.builder("trellis.memo.unavailable")
                .description("Lookups the checkpoint-service did not answer; those tasks ran without the cache").register(meters);
        for (Outcome outcome : Outcome.values()) {
            counter(outcome);
        }
    }

    /** What the cache did for one ready cacheable task. */
    enum Outcome {
        /** The result came from this run or from a checkpoint. */
        HIT,
        /** Nothing stored: the task runs. */
        MISS,
        /** A stored result whose output files are gone or changed: the task runs again. */
        STALE,
        /** An identical task was already running: this one waits for its result. */
        SHARED
    }

    void counted(Outcome outcome) {
        counter(outcome).increment();
    }

    void lookedUp(long nanos) {
        lookupLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void unavailable() {
        unavailable.increment();
    }

    private Counter counter(Outcome outcome) {
        return Counter.builder("trellis.memo.tasks").description("Ready cacheable tasks, by what the cache did for them")
                .tag("outcome", outcome.name().toLowerCase()).register(meters);
    }
}
