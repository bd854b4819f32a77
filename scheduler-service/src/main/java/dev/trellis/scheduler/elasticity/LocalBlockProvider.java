package dev.trellis.scheduler.elasticity;

import dev.trellis.protocol.message.HeartbeatMessage;
import dev.trellis.scheduler.SchedulerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * The {@code local} provider: each block is a worker JVM on the scheduler's host. Stopping sends
 * SIGTERM, so the block shuts down gracefully and says STOPPED in its last heartbeat; one that has
 * not exited after {@code stopTimeout} is killed. Blocks still running when the scheduler shuts down
 * are stopped with it.
 */
@Component
class LocalBlockProvider implements BlockProvider, AutoCloseable {

    static final String NAME = "local";
    private static final Logger log = LoggerFactory.getLogger(LocalBlockProvider.class);
    private static final String WORKER_MAIN = "dev.trellis.worker.WorkerApplication";
    /** Written into the worker's jar at build time: its runtime class path, as {@code lib/<file>.jar} entries. */
    private static final String WORKER_CLASS_PATH_LIST = "META-INF/trellis/worker.classpath";
    private static final Optional<String> WORKER_CLASS_PATH = workerClassPath();
    private static final String BOOT_PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";
    private static final String WEB_APPLICATION_TYPE = "spring.main.web-application-type";

    private final SchedulerProperties.LocalBlocks settings;
    private final Path dataRoot;
    private final String kafkaBootstrap;
    private final Map<String, LocalBlock> blocks = new ConcurrentHashMap<>();
    private final String thisHost = HeartbeatMessage.localHostName();
    private volatile String recordingArchive;

    private record LocalBlock(String site, Process process, Path log) {
    }

    LocalBlockProvider(SchedulerProperties properties, Environment environment) {
        this.settings = properties.localBlocks();
        this.dataRoot = properties.dataRoot().toAbsolutePath();
        this.kafkaBootstrap = environment.getProperty("spring.kafka.bootstrap-servers", "localhost:9092");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(BlockLaunch launch) {
        Path logFile = settings.logDir().toAbsolutePath().resolve(launch.blockId() + ".log");
        List<String> command = command(launch);
        try {
            Files.createDirectories(logFile.getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            blocks.put(launch.blockId(), new LocalBlock(launch.site(), process, logFile));
            log.debug("block {} started as pid {}: {}", launch.blockId(), process.pid(), command);
        } catch (IOException e) {
            throw new BlockProviderException("could not start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void stop(BlockHandle block) {
        LocalBlock started = blocks.remove(block.blockId());
        Optional<ProcessHandle> process = started != null ? Optional.of(started.process().toHandle()) : adopted(block);
        process.filter(ProcessHandle::isAlive).ifPresent(handle -> {
            handle.destroy();
            handle.onExit().orTimeout(settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS).exceptionally(timedOut -> {
                log.warn("block {} (pid {}) did not exit within {} of SIGTERM: killing it", block.blockId(), handle.pid(),
                        settings.stopTimeout());
                handle.destroyForcibly();
                return null;
            });
        });
    }

    @Override
    public List<String> existingBlocks(String site) {
        return blocks.entrySet().stream().filter(e -> e.getValue().site().equals(site) && e.getValue().process().isAlive())
                .map(Map.Entry::getKey).toList();
    }

    @Override
    public Set<String> endedBlocks(String site) {
        Set<String> ended = blocks.entrySet().stream()
                .filter(e -> e.getValue().site().equals(site) && !e.getValue().process().isAlive())
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        for (String id : ended) {
            LocalBlock block = blocks.remove(id);
            log.warn("block {} exited with status {} on its own; its output is in {}", id, block.process().exitValue(),
                    block.log());
        }
        return ended;
    }

    /** Stops the blocks with the scheduler: SIGTERM to all, then a bounded wait, then SIGKILL. */
    @Override
    public void close() throws InterruptedException {
        List<Process> alive = blocks.values().stream().map(LocalBlock::process).filter(Process::isAlive).toList();
        alive.forEach(Process::destroy);
        long deadline = System.nanoTime() + settings.stopTimeout().toNanos();
        for (Process process : alive) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
            }
        }
        blocks.clear();
    }

    List<String> command(BlockLaunch launch) {
        List<String> command = new ArrayList<>();
        if (settings.command().isEmpty()) {
            String classPath = WORKER_CLASS_PATH.orElse(System.getProperty("java.class.path"));
            command.add(ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(settings.jvmOptions());
            if (settings.classDataSharing()) {
                command.addAll(classDataSharingOptions(launch.blockId(), classPath));
            }
            if (isBootExecutableJar(classPath)) {
                // java -jar on a Spring Boot jar: its nested jars need Boot's launcher, told which main to run.
                command.addAll(List.of("-cp", classPath, "-Dloader.main=" + WORKER_MAIN, BOOT_PROPERTIES_LAUNCHER));
            } else {
                command.addAll(List.of("-cp", classPath, WORKER_MAIN));
            }
        } else {
            command.addAll(settings.command());
        }
        command.add("--trellis.worker.site=" + launch.site());
        command.add("--trellis.worker.slots=" + launch.slots());
        command.add("--trellis.worker.block-id=" + launch.blockId());
        command.add("--trellis.worker.data-root=" + dataRoot);
        command.add("--spring.kafka.bootstrap-servers=" + kafkaBootstrap);
        command.add("--trellis.worker.exit-with-pid=" + ProcessHandle.current().pid());
        // No web server unless asked for (a second less of start-up, no port per block); then on a free port.
        if (!settings.properties().containsKey(WEB_APPLICATION_TYPE)) {
            command.add("--" + WEB_APPLICATION_TYPE + "=none");
        }
        if (!settings.properties().containsKey("server.port")) {
            command.add("--server.port=0");
        }
        settings.properties().forEach((key, value) -> command.add("--" + key + "=" + value));
        return command;
    }

    /**
     * The first block records an AppCDS archive of the classes it loaded when it exits; later blocks
     * map it and start in about half the time. The archive's name carries a digest of the class path
     * and JVM, as an archive only serves the class path it was recorded with.
     */
    private List<String> classDataSharingOptions(String blockId, String classPath) {
        Path archive = settings.logDir().toAbsolutePath().resolve("worker-"
                + Integer.toHexString((classPath + "|" + System.getProperty("java.vm.version")).hashCode()) + ".jsa");
        List<String> quiet = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        if (Files.isRegularFile(archive)) {
            return concat("-XX:SharedArchiveFile=" + archive, quiet);
        }
        LocalBlock recording = recordingArchive == null ? null : blocks.get(recordingArchive);
        if (recording != null && recording.process().isAlive()) {
            return List.of();
        }
        recordingArchive = blockId;
        return concat("-XX:ArchiveClassesAtExit=" + archive, quiet);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    /**
     * The worker's own class path when this JVM's holds the worker jar beside its dependencies (the
     * extracted standalone jar, the benchmarks): a block that scans only what it needs starts in about
     * half the time. Empty elsewhere (tests, a Spring Boot fat jar), where this JVM's class path serves.
     */
    private static Optional<String> workerClassPath() {
        URL list = LocalBlockProvider.class.getClassLoader().getResource(WORKER_CLASS_PATH_LIST);
        if (list == null || !"jar".equals(list.getProtocol()) || !list.getPath().startsWith("file:")) {
            return Optional.empty();
        }
        try {
            Path workerJar = Path.of(URI.create(list.getPath().substring(0, list.getPath().indexOf("!/"))));
            String entries;
            try (InputStream in = list.openStream()) {
                entries = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            List<Path> jars = new ArrayList<>(List.of(workerJar));
            for (String entry : entries.split(":")) {
                jars.add(workerJar.resolveSibling(entry.substring(entry.lastIndexOf('/') + 1)));
            }
            return jars.stream().allMatch(Files::isRegularFile)
                    ? Optional.of(jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)))
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.debug("no worker class path of its own ({}): blocks use this JVM's", e.toString());
            return Optional.empty();
        }
    }

    private static boolean isBootExecutableJar(String classPath) {
        if (!classPath.endsWith(".jar") || classPath.contains(File.pathSeparator)) {
            return false;
        }
        try (JarFile jar = new JarFile(classPath)) {
            return jar.getEntry("BOOT-INF/") != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** A block this scheduler did not start (before a restart): stopped by pid, only if it is on this host and is that block. */
    private Optional<ProcessHandle> adopted(BlockHandle block) {
        if (block.pid() <= 0 || !thisHost.equals(block.host())) {
            return Optional.empty();
        }
        return ProcessHandle.of(block.pid()).filter(handle -> handle.info().commandLine()
                .map(line -> line.contains("--trellis.worker.block-id=" + block.blockId())).orElse(false));
    }
}
