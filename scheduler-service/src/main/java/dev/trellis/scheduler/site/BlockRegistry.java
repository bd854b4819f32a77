package dev.trellis.scheduler.site;

import dev.trellis.protocol.message.HeartbeatMessage;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The worker blocks the scheduler has heard from, kept alive by their heartbeats. */
@Component
public class BlockRegistry {

    private final Map<String, Block> blocks = new ConcurrentHashMap<>();

    /** A block as its last heartbeat described it. */
    public record Block(String blockId, String site, String host, long pid, int slots, int busySlots,
                        List<String> running, Instant lastSeen, boolean lost) {
    }

    public void heard(HeartbeatMessage heartbeat, Instant now) {
        blocks.put(heartbeat.blockId(), new Block(heartbeat.blockId(), heartbeat.site(), heartbeat.host(), heartbeat.pid(),
                heartbeat.slots(), heartbeat.busySlots(), heartbeat.running(), now, false));
    }

    /**
     * Remembers a block known only from the database (after a scheduler restart), giving it one
     * full timeout to be heard from before its attempts count as lost.
     */
    public void expect(String blockId, String site, Instant now) {
        blocks.putIfAbsent(blockId, new Block(blockId, site, null, 0, 0, 0, List.of(), now, false));
    }

    /** Marks blocks silent for longer than {@code timeout} as lost and returns the ids newly lost. */
    public List<String> markLost(Instant now, Duration timeout) {
        List<String> lost = new ArrayList<>();
        blocks.replaceAll((id, block) -> {
            if (!block.lost() && block.lastSeen().plus(timeout).isBefore(now)) {
                lost.add(id);
                return new Block(id, block.site(), block.host(), block.pid(), block.slots(), 0, List.of(), block.lastSeen(), true);
            }
            return block;
        });
        return lost;
    }

    public boolean isLost(String blockId) {
        Block block = blocks.get(blockId);
        return block != null && block.lost();
    }

    public int liveSlots(String site) {
        return blocks.values().stream().filter(b -> !b.lost() && b.site().equals(site)).mapToInt(Block::slots).sum();
    }

    public Collection<Block> all() {
        return List.copyOf(blocks.values());
    }
}
