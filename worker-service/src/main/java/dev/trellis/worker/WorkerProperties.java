package dev.trellis.worker;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * Settings of one worker block ({@code trellis.worker.*}).
 *
 * @param site              the site whose task topic this block consumes
 * @param slots             tasks run at once (Parsl's maxThreads / workers per block)
 * @param blockId           identifies the block in attempts and heartbeats; random when unset
 * @param dataRoot          the storage shared with the scheduler; workflow areas live under it
 * @param heartbeatInterval how often the block tells the scheduler it is alive and what it runs
 * @param python            the interpreter each slot keeps running for python apps
 * @param exitWithPid       when set, the block shuts down when this process ends (the scheduler that
 *                          started it, with the local provider)
 * @param startedReportAfter how long a task runs before the block reports it STARTED; a task that
 *                          ends sooner is reported only by its end, which says all STARTED would
 *                          (block, pid, start time): a third fewer messages and scheduler writes
 *                          for short tasks. 0 reports every start at once.
 */
@ConfigurationProperties("trellis.worker")
public record WorkerProperties(
        @DefaultValue("threads") String site,
        @DefaultValue("4") int slots,
        String blockId,
        @DefaultValue("./.trellis/data") Path dataRoot,
        @DefaultValue("2s") Duration heartbeatInterval,
        @DefaultValue("python3") String python,
        Long exitWithPid,
        @DefaultValue("20ms") Duration startedReportAfter) {

    public WorkerProperties {
        if (slots < 1) {
            throw new IllegalArgumentException("trellis.worker.slots must be at least 1, not " + slots);
        }
        if (startedReportAfter.isNegative()) {
            throw new IllegalArgumentException("trellis.worker.started-report-after must not be negative, not " + startedReportAfter);
        }
        blockId = blockId == null || blockId.isBlank() ? site + "-" + UUID.randomUUID().toString().substring(0, 8) : blockId;
    }
}
