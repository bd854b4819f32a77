package dev.trellis.protocol.message;

/** Where a block says it is, in its heartbeats. */
public enum BlockPhase {
    /** Taking tasks. */
    RUNNING,
    /** Told to drain: takes no new task and finishes the ones it runs. */
    DRAINING,
    /** Shutting down: its last heartbeat, so the scheduler need not wait for it to go silent. */
    STOPPED
}
