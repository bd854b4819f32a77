package dev.trellis.benchmarks;

/** How big each scenario is. */
record Sizes(int tasks, int largeTasks, int latencySamples, int bashTasks, int chains, int chainLength, int fanWidth, int scaleTasks,
             int submitters, int repeats, int kafkaMessages, int kafkaRoundTrips, int postgresRows) {

    /** Whether the throughput scenarios run a second time at {@link #largeTasks()} (0 turns that off). */
    boolean runsLargeThroughput() {
        return largeTasks > 0 && largeTasks != tasks;
    }
}
