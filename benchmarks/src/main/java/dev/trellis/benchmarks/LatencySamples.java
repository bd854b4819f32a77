package dev.trellis.benchmarks;

import java.util.Arrays;

/** Durations of repeated operations, for percentiles. */
final class LatencySamples {

    private final long[] nanos;
    private int count;

    LatencySamples(int capacity) {
        this.nanos = new long[capacity];
    }

    void add(long elapsedNanos) {
        nanos[count++] = elapsedNanos;
    }

    /** The nearest-rank percentile, in milliseconds. */
    double percentileMillis(double percentile) {
        if (count == 0) {
            throw new IllegalStateException("no samples");
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * count);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    int count() {
        return count;
    }
}
