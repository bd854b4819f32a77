package dev.trellis.engine.elastic;

/**
 * A site's task load at one tick.
 *
 * @param queuedTasks  tasks sent to the site's task topic and not yet started
 * @param runningTasks tasks a block of the site is running
 */
public record SiteLoadSnapshot(int queuedTasks, int runningTasks) {

    public SiteLoadSnapshot {
        if (queuedTasks < 0 || runningTasks < 0) {
            throw new IllegalArgumentException("task counts must not be negative: " + queuedTasks + ", " + runningTasks);
        }
    }

    public static SiteLoadSnapshot idle() {
        return new SiteLoadSnapshot(0, 0);
    }

    /** Parsl's "active tasks": queued + running. */
    public int activeTasks() {
        return queuedTasks + runningTasks;
    }
}
