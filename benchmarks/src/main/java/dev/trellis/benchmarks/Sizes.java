package dev.trellis.benchmarks;

/** How big each scenario is. */
record Sizes(int tasks, int latencySamples, int bashTasks, int chains, int chainLength, int fanWidth, int scaleTasks,
             int submitters, int kafkaMessages, int kafkaRoundTrips, int postgresRows) {
}
