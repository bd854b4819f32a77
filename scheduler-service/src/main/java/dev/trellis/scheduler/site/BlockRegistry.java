package dev.trellis.scheduler.site;

import dev.trellis.protocol.message.BlockPhase;
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

    /**
     * A block as its last heartbeat described it.
     *
     * @param firstSeen  its first heartbeat heard
     * @param firstBusy  its first heartbeat with a busy slot (a block sends one as it takes its first task); null before
     * @param lost it stopped, or went silent: its running attempts were handed to the coordinator as lost
     */
    public record Block(String blockId, String site, String host, long pid, int slots, int busySlots,
                        List<String> running, Instant firstSeen, Instant firstBusy, Instant lastSeen, BlockPhase phase,
                        boolean lost) {
    }

    public void heard(HeartbeatMessage heartbeat, Instant now) {
        blocks.compute(heartbeat.blockId(), (id, before) -> {
            Instant firstSeen = before == null || before.host() == null ? now : before.firstSeen();
            Instant firstBusy = before != null && before.firstBusy() != null ? before.firstBusy()
                    : heartbeat.busySlots() > 0 ? now : null;
            return new Block(id, heartbeat.site(), heartbeat.host(), heartbeat.pid(), heartbeat.slots(),
                    heartbeat.busySlots(), heartbeat.running(), firstSeen, firstBusy, now, heartbeat.phase(), false);
        });
    }

    /**
     * Remembers a block known only from the database (after a scheduler restart), giving it one
     * full timeout to be heard from before its attempts count as lost.
     */
    public void expect(String blockId, String site, Instant now) {
        blocks.putIfAbsent(blockId, new Block(blockId, site, null, 0, 0, 0, List.of(), now, null, now, BlockPhase.RUNNING, false));
    }

    /**
     * Marks as lost the blocks that said they stopped and those silent for longer than {@code timeout},
     * and returns those newly lost.
     */
    public List<Block> markLost(Instant now, Duration timeout) {
        List<Block> lost = new ArrayList<>();
        blocks.replaceAll((id, block) -> {
            boolean gone = block.phase() == BlockPhase.STOPPED || block.lastSeen().plus(timeout).isBefore(now);
            if (!block.lost() && gone) {
                Block marked = new Block(id, block.site(), block.host(), block.pid(), block.slots(), 0, List.of(), block.firstSeen(),
                        block.firstBusy(), block.lastSeen(), block.phase(), true);
                lost.add(marked);
                return marked;
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

    public int busySlots(String site) {
        return blocks.values().stream().filter(b -> !b.lost() && b.site().equals(site)).mapToInt(Block::busySlots).sum();
    }

    public Collection<Block> all() {
        return List.copyOf(blocks.values());
    }
}
