package dev.trellis.protocol;

/** Kafka topic names, in one place so every service agrees on them. */
public final class Topics {

    public static final String RESULTS = "trellis.results";
    public static final String HEARTBEATS = "trellis.heartbeats";
    /** Results to memoize, from the scheduler to the checkpoint-service. */
    public static final String MEMO_STORE = "trellis.memo.store";
    /** Cancellations and drains from the scheduler; a broadcast: every block reads every message. */
    public static final String CONTROL = "trellis.control";
    private static final String TASKS_PREFIX = "trellis.tasks.";
    private static final String DEAD_LETTER_SUFFIX = "-dlt";

    private Topics() {
    }

    /** The task topic of one site: each site has its own so its blocks consume only its work. */
    public static String tasks(String site) {
        return TASKS_PREFIX + site;
    }

    /** Where unreadable records of a topic go, with the reason in headers. */
    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
