package dev.trellis.protocol.message;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * A worker block's periodic sign of life, sent on the heartbeats topic.
 *
 * @param running the attempts the block is running now, as "workflowId/taskId#attempt"
 * @param phase   running, draining, or stopped (its last heartbeat); absent in older blocks' messages: running
 */
public record HeartbeatMessage(
        int version,
        String site,
        String blockId,
        String workerId,
        String host,
        long pid,
        int slots,
        int busySlots,
        List<String> running,
        long sentAtMillis,
        BlockPhase phase) {

    public static final int CURRENT_VERSION = 1;

    /**
     * The host name a block reports. The scheduler's local provider compares it with its own to know
     * whether a block it did not start runs on its host, so both sides must name hosts alike.
     */
    public static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    public HeartbeatMessage {
        running = running == null ? List.of() : running;
        phase = phase == null ? BlockPhase.RUNNING : phase;
    }
}
