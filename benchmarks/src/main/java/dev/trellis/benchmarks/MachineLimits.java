package dev.trellis.benchmarks;

/**
 * What this machine's broker and database manage on their own, measured in the same run: the
 * ceiling the Trellis figures are compared with. A field is null when the limits were not measured.
 *
 * @param kafkaMessagesPerSecond  300-byte records produced and consumed through one topic
 * @param kafkaRoundTripP50Millis produce a request, an echo consumer produces the reply, consume it
 * @param postgresRowsPerSecond   JDBC batched inserts into a temporary table
 */
record MachineLimits(Double kafkaMessagesPerSecond, Double kafkaRoundTripP50Millis, Double kafkaRoundTripP99Millis,
                     Double postgresRowsPerSecond) {

    static final MachineLimits UNMEASURED = new MachineLimits(null, null, null, null);

    /** The least time the database needs to write one row per task, batched: a floor for anything persisting every task. */
    Double secondsToInsert(int rows) {
        return postgresRowsPerSecond == null ? null : rows / postgresRowsPerSecond;
    }
}
