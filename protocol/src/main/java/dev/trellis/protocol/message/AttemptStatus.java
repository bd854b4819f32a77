package dev.trellis.protocol.message;

/** What a worker reports about one attempt. */
public enum AttemptStatus {
    /** A slot took the attempt; from now on the block's heartbeats vouch for it. */
    STARTED,
    SUCCEEDED,
    FAILED;

    public boolean isFinal() {
        return this != STARTED;
    }
}
