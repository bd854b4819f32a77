package dev.trellis.benchmarks;

import ch.qos.logback.classic.Level;
import dev.trellis.embedded.FreePorts;
import dev.trellis.standalone.RestClient;
import dev.trellis.standalone.StackOptions;
import dev.trellis.standalone.StandaloneStack;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code java -jar benchmarks/target/trellis-benchmarks.jar}: starts the standalone stack in a
 * temporary home, measures the machine's Kafka and Postgres limits on it, then runs the Trellis
 * scenarios, printing one JSON line per figure.
 */
@Command(name = "trellis-benchmarks", mixinStandardHelpOptions = true,
        description = "Measures Trellis on this machine beside its own Kafka and PostgreSQL limits; one JSON line per figure.")
public final class BenchmarkCommand implements Callable<Integer> {

    /** How the temporary home's name begins, in {@code java.io.tmpdir}. */
    static final String HOME_PREFIX = "trellis-bench";

    enum Scenario { LIMITS, WORKFLOW, INDEPENDENT, LATENCY, BASH, CHAINS, FAN, CACHED, SCALE, BLOCKS }

    @Option(names = "--scenarios", split = ",", paramLabel = "NAME",
            description = "Which to run, comma-separated (default: all): ${COMPLETION-CANDIDATES}.")
    Set<Scenario> scenarios = EnumSet.allOf(Scenario.class);

    @Option(names = "--quick", description = "Small sizes (a minute or two) unless a size is given.")
    boolean quick;

    @Option(names = "--tasks", description = "No-op tasks for the throughput and cached-rerun scenarios (10000; quick 500).")
    Integer tasks;
    @Option(names = "--large-tasks",
            description = "No-op tasks for the throughput scenarios' second, larger run, after the others (100000; quick 0; 0 for none).")
    Integer largeTasks;
    @Option(names = "--latency-samples", description = "Sequential one-task workflows (1000; quick 100).")
    Integer latencySamples;
    @Option(names = "--bash-tasks", description = "Bash echo tasks (1000; quick 100).")
    Integer bashTasks;
    @Option(names = "--chains", description = "Independent chains (100; quick 10).")
    Integer chains;
    @Option(names = "--chain-length", description = "Tasks per chain (100; quick 10).")
    Integer chainLength;
    @Option(names = "--fan-width", description = "Tasks between the fan-out root and the fan-in task (10000; quick 500).")
    Integer fanWidth;
    @Option(names = "--scale-tasks", description = "Tasks of the large DAG whose submit time and heap are measured (100000; quick 5000).")
    Integer scaleTasks;
    @Option(names = "--submitters", defaultValue = "4", description = "Client threads submitting independent workflows (default: ${DEFAULT-VALUE}).")
    int submitters;
    @Option(names = "--repeats", description = "Runs of the latency samples and of each throughput, bash, chain and fan scenario "
            + "(3; quick 1): a figure is their median, with every run in params.runs. The --large-tasks runs, the cached rerun "
            + "and the large DAG run once.")
    Integer repeats;

    @Option(names = "--kafka-messages", description = "Records for the Kafka throughput limit (200000; quick 20000).")
    Integer kafkaMessages;
    @Option(names = "--kafka-round-trips", description = "Samples for the Kafka round-trip limit (2000; quick 200).")
    Integer kafkaRoundTrips;
    @Option(names = "--postgres-rows", description = "Rows for the Postgres batched-insert limit (200000; quick 20000).")
    Integer postgresRows;

    @Option(names = "--warm-up-tasks",
            description = "Tasks run before the Trellis scenarios, not counted: a server runs warm, and on this 2-core box the JIT"
                    + " compiler (C2) needs a minute or two of load before the hot paths are compiled (300000; quick 200; 0 for none).")
    Integer warmUpTasks;

    @Option(names = "--block-rounds", defaultValue = "3",
            description = "Block starts timed at the elastic site; the first without, the others with the class-data archive (default: ${DEFAULT-VALUE}).")
    int blockRounds;

    @Option(names = "--site", paramLabel = "NAME:SLOTS",
            description = "Sites of the stack, as for `trellis run` (default: threads:4 and pilot:2).")
    List<String> sites = new ArrayList<>();

    private final PrintStream out;

    public BenchmarkCommand() {
        this(System.out);
    }

    BenchmarkCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new BenchmarkCommand()).execute(args));
    }

    static CommandLine commandLine(BenchmarkCommand command) {
        return new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws Exception {
        quietPerTaskLogging();
        Sizes sizes = sizes();
        Path home = Files.createTempDirectory(HOME_PREFIX);
        int httpPort = FreePorts.pick();
        int checkpointPort = FreePorts.pick();
        List<String> stackArgs = new ArrayList<>(List.of("--home", home.toString(), "--http-port", String.valueOf(httpPort),
                "--checkpoint-port", String.valueOf(checkpointPort), "--kafka-port", String.valueOf(FreePorts.pick()),
                "--postgres-port", String.valueOf(FreePorts.pick()),
                // The elastic site's blocks leave soon after their task, so each block-start round starts a new one.
                "--max-idle-time", "2s"));
        sites.forEach(site -> stackArgs.addAll(List.of("--site", site)));
        // A full run leaves 1-3 GB of broker logs and database files: gone once the stack has stopped,
        // also when the run is stopped (Ctrl-C, SIGTERM), which skips the finally below and runs only
        // the JVM's shutdown hooks. The stack's own hooks stop it too, and close() waits for them.
        AtomicReference<StandaloneStack> running = new AtomicReference<>();
        Thread removeHomeOnExit = new Thread(() -> {
            StandaloneStack stack = running.get();
            if (stack != null) {
                stack.close();
            }
            removeWhenNothingWrites(home);
        }, "trellis-bench-remove-home");
        Runtime.getRuntime().addShutdownHook(removeHomeOnExit);
        try {
            run(sizes, home, httpPort, checkpointPort, stackArgs, running);
        } finally {
            FileSystemUtils.deleteRecursively(home);
            try {
                Runtime.getRuntime().removeShutdownHook(removeHomeOnExit);
            } catch (IllegalStateException exiting) {
                // the JVM is exiting: the hook runs and finds nothing left to remove
            }
        }
        return 0;
    }

    /**
     * Deletes the directory, again while something still writes there: a stack stopped while it
     * started, or before it was handed over, is stopped by its own hooks, beside this one.
     */
    private static void removeWhenNothingWrites(Path directory) {
        for (int attempt = 0; Files.exists(directory) && attempt < 40; attempt++) {
            if (!FileSystemUtils.deleteRecursively(directory.toFile())) {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void run(Sizes sizes, Path home, int httpPort, int checkpointPort, List<String> stackArgs,
                     AtomicReference<StandaloneStack> running) throws Exception {
        try (StandaloneStack stack = StandaloneStack.start(StackOptions.parse(stackArgs.toArray(String[]::new)))) {
            running.set(stack);
            System.err.println(stack.startupReport());
            SchedulerClient scheduler = new SchedulerClient(httpPort);
            if (scenarios.stream().anyMatch(scenario -> scenario != Scenario.LIMITS && scenario != Scenario.BLOCKS)) {
                // Before the limits too: they run on the same broker and database, which then run warm code as well.
                TrellisScenarios.warmUp(scheduler, size(warmUpTasks, 300_000, 200), sizes.submitters());
            }
            MachineLimits limits = scenarios.contains(Scenario.LIMITS) ? measureLimits(stack, sizes) : MachineLimits.UNMEASURED;
            TrellisScenarios trellis = new TrellisScenarios(scheduler, new RestClient(checkpointPort), sizes, limits, this::print);
            // Cheapest first; the large DAG last, since it is cancelled rather than run.
            if (scenarios.contains(Scenario.LATENCY)) trellis.latency();
            runThroughput(trellis, sizes.tasks());
            if (scenarios.contains(Scenario.BASH)) {
                // Where the stack's blocks create the bash tasks' files (StandaloneStack's data root).
                double workspaces = TaskFilesProbe.workspacesPerSecond(home.resolve("data"), sizes.bashTasks());
                print(new Figure("limit_task_files", workspaces, "workspaces/s", null, null,
                        Map.of("workspaces", sizes.bashTasks(), "inodesEach", 1 + TaskFilesProbe.FILES.size(), "threads", 1,
                                "where", "the stack's data area, just before the bash scenario")));
                trellis.bash(workspaces);
            }
            if (scenarios.contains(Scenario.CHAINS)) trellis.chains();
            if (scenarios.contains(Scenario.FAN)) trellis.fanOutFanIn();
            if (scenarios.contains(Scenario.CACHED)) trellis.cachedRerun();
            // After the smaller scenarios, so the rows these runs leave behind do not weigh on those.
            if (sizes.runsLargeThroughput()) runThroughput(trellis, sizes.largeTasks());
            if (scenarios.contains(Scenario.SCALE)) trellis.scale();
            if (scenarios.contains(Scenario.BLOCKS)) {
                new BlockStartScenario(new SchedulerClient(httpPort), new RestClient(httpPort), home.resolve("blocks"), this::print)
                        .run(blockRounds);
            }
        }
    }

    private void runThroughput(TrellisScenarios trellis, int tasks) throws Exception {
        if (scenarios.contains(Scenario.WORKFLOW)) trellis.oneWorkflow(tasks);
        if (scenarios.contains(Scenario.INDEPENDENT)) {
            trellis.independentSubmissions(tasks);
            trellis.independentBatches(tasks);
        }
    }

    private MachineLimits measureLimits(StandaloneStack stack, Sizes sizes) throws Exception {
        MachineLimitProbes probes = new MachineLimitProbes(stack.kafkaBootstrapServers(), stack.database("benchmarks"));
        double kafkaRate = probes.kafkaMessagesPerSecond(sizes.kafkaMessages());
        print(new Figure("limit_kafka_produce_consume", kafkaRate, "msg/s", null, null,
                Map.of("messages", sizes.kafkaMessages(), "recordBytes", 300, "partitions", 1)));
        LatencySamples roundTrips = probes.kafkaRoundTrips(sizes.kafkaRoundTrips());
        Map<String, Object> roundTripParams = Map.of("samples", roundTrips.count(), "recordBytes", 300);
        print(new Figure("limit_kafka_round_trip_p50", roundTrips.percentileMillis(50), "ms", null, null, roundTripParams));
        print(new Figure("limit_kafka_round_trip_p99", roundTrips.percentileMillis(99), "ms", null, null, roundTripParams));
        double rowRate = probes.postgresRowsPerSecond(sizes.postgresRows());
        print(new Figure("limit_postgres_batched_insert", rowRate, "rows/s", null, null,
                Map.of("rows", sizes.postgresRows(), "batch", 1000)));
        return new MachineLimits(kafkaRate, roundTrips.percentileMillis(50), roundTrips.percentileMillis(99), rowRate);
    }

    Sizes sizes() {
        return new Sizes(size(tasks, 10_000, 500), size(largeTasks, 100_000, 0), size(latencySamples, 1_000, 100), size(bashTasks, 1_000, 100),
                size(chains, 100, 10), size(chainLength, 100, 10), size(fanWidth, 10_000, 500), size(scaleTasks, 100_000, 5_000),
                submitters, size(repeats, 3, 1), size(kafkaMessages, 200_000, 20_000), size(kafkaRoundTrips, 2_000, 200), size(postgresRows, 200_000, 20_000));
    }

    private int size(Integer given, int full, int quickSize) {
        return given != null ? given : quick ? quickSize : full;
    }

    private void print(Figure figure) {
        out.println(figure.toJson());
        out.flush();
    }

    /** A log line per task state change would measure the console, not the engine. */
    private static void quietPerTaskLogging() {
        if (LoggerFactory.getLogger("trellis.tasks") instanceof ch.qos.logback.classic.Logger tasks) {
            tasks.setLevel(Level.WARN);
        }
        if (LoggerFactory.getLogger("dev.trellis") instanceof ch.qos.logback.classic.Logger trellis) {
            trellis.setLevel(Level.WARN);
        }
    }

}
