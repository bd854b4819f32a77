package dev.trellis.scheduler.elasticity;

import dev.trellis.scheduler.SchedulerProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.env.MockEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the local provider launches, stops and notices the end of block processes (real processes, no Kafka). */
class LocalBlockProviderTest {

    private static final BlockLaunch LAUNCH = new BlockLaunch("pilot", "pilot-1a2b3c4d", 2, "threads");

    @TempDir
    Path home;

    @Test
    void theDefaultCommandRunsTheWorkerInAJvmLikeThisOneWithTheBlocksSettings() {
        List<String> command = provider(Map.of()).command(LAUNCH);

        assertThat(command.get(0)).endsWith("java");
        assertThat(command).contains("-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.trellis.worker.WorkerApplication", "--trellis.worker.site=pilot", "--trellis.worker.slots=2",
                "--trellis.worker.block-id=pilot-1a2b3c4d", "--spring.kafka.bootstrap-servers=127.0.0.1:19092",
                "--trellis.worker.data-root=" + home.resolve("data").toAbsolutePath(),
                "--trellis.worker.exit-with-pid=" + ProcessHandle.current().pid(),
                "--spring.main.web-application-type=none");
    }

    @Test
    void theFirstBlockRecordsTheClassDataArchiveAndLaterBlocksStartFromIt() throws IOException {
        LocalBlockProvider provider = provider(Map.of());

        String recording = provider.command(LAUNCH).stream().filter(a -> a.startsWith("-XX:ArchiveClassesAtExit="))
                .findFirst().orElseThrow();
        Files.createDirectories(home.resolve("blocks"));
        Files.writeString(Path.of(recording.substring(recording.indexOf('=') + 1)), "archive");

        assertThat(provider.command(LAUNCH)).anyMatch(a -> a.equals("-XX:SharedArchiveFile=" + recording.substring(recording.indexOf('=') + 1)));
    }

    @Test
    void aConfiguredCommandReplacesTheJvmAndExtraPropertiesFollowTheBlocksOwn() {
        List<String> command = provider(Map.of("command[0]", "/opt/trellis/worker", "properties.[spring.main.web-application-type]", "servlet",
                "properties.[trellis.worker.python]", "/usr/bin/python3")).command(LAUNCH);

        assertThat(command.get(0)).isEqualTo("/opt/trellis/worker");
        assertThat(command).doesNotContain("-cp", "--spring.main.web-application-type=none")
                .contains("--spring.main.web-application-type=servlet", "--trellis.worker.python=/usr/bin/python3",
                        "--trellis.worker.block-id=pilot-1a2b3c4d");
    }

    @Test
    void aBlockProcessThatExitsOnItsOwnIsReportedEndedOnce() throws InterruptedException {
        LocalBlockProvider provider = provider(Map.of("command[0]", "bash", "command[1]", "-c", "command[2]", "echo failing; exit 3"));
        provider.start(LAUNCH);

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (provider.existingBlocks("pilot").contains(LAUNCH.blockId())) {
            assertThat(System.nanoTime()).as("the process exited").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(provider.endedBlocks("pilot")).containsExactly(LAUNCH.blockId());
        assertThat(provider.endedBlocks("pilot")).isEmpty();
        assertThat(home.resolve("blocks").resolve(LAUNCH.blockId() + ".log")).content().contains("failing");
    }

    @Test
    void stoppingABlockEndsItsProcessAndStoppingAnUnknownOneIsFine() throws InterruptedException {
        LocalBlockProvider provider = provider(Map.of("command[0]", "bash", "command[1]", "-c", "command[2]", "sleep 60"));
        provider.start(LAUNCH);
        List<String> before = provider.existingBlocks("pilot");
        ProcessHandle process = startedChild("sleep 60");

        provider.stop(new BlockHandle("pilot", LAUNCH.blockId(), null, 0));
        provider.stop(new BlockHandle("pilot", "pilot-unknown", "elsewhere", 12345));

        assertThat(before).containsExactly(LAUNCH.blockId());
        assertThat(process.onExit()).succeedsWithin(Duration.ofSeconds(10));
        assertThat(provider.existingBlocks("pilot")).isEmpty();
    }

    /**
     * This JVM's child running {@code command}, waited for: one CI run found no such child right
     * after the start (a process just spawned may not show its command line yet).
     */
    private static ProcessHandle startedChild(String command) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            var child = ProcessHandle.current().children().filter(p -> p.info().commandLine().orElse("").contains(command)).findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            assertThat(System.nanoTime()).as("a child process running " + command).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aCommandThatCannotStartIsAProviderError() {
        LocalBlockProvider provider = provider(Map.of("command[0]", home.resolve("no-such-program").toString()));

        assertThatThrownBy(() -> provider.start(LAUNCH)).isInstanceOf(BlockProviderException.class)
                .hasMessageContaining("no-such-program");
    }

    private LocalBlockProvider provider(Map<String, String> localBlocks) {
        Map<String, String> settings = new HashMap<>();
        settings.put("trellis.scheduler.data-root", home.resolve("data").toString());
        settings.put("trellis.scheduler.local-blocks.log-dir", home.resolve("blocks").toString());
        localBlocks.forEach((key, value) -> settings.put("trellis.scheduler.local-blocks." + key, value));
        SchedulerProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("trellis.scheduler", SchedulerProperties.class);
        return new LocalBlockProvider(properties,
                new MockEnvironment().withProperty("spring.kafka.bootstrap-servers", "127.0.0.1:19092"));
    }
}
