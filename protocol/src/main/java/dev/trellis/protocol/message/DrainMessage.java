package dev.trellis.protocol.message;

/**
 * Tells one block to take no new task and finish the ones it runs, sent on the control topic with
 * {@link ControlMessageType#DRAIN}. The block then heartbeats {@link BlockPhase#DRAINING}; once those
 * heartbeats show no busy slot the scheduler has it stopped. Sent again until the block's heartbeats
 * say it drains, so a block that had not yet joined the control topic still hears it.
 *
 * @param reason why, for people: "idle", "walltime"
 */
public record DrainMessage(int version, String site, String blockId, String reason, long sentAtMillis) {

    public static final int CURRENT_VERSION = 1;

    public static DrainMessage of(String site, String blockId, String reason, long sentAtMillis) {
        return new DrainMessage(CURRENT_VERSION, site, blockId, reason, sentAtMillis);
    }
}
