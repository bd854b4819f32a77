package dev.trellis.benchmarks;

import dev.trellis.benchmarks.CpuSpent.Measured;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.protocol.memo.CheckpointView;
import dev.trellis.standalone.RestClient;
import tools.jackson.core.type.TypeReference;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The Trellis figures, each from workflows submitted over REST to the running stack. Elapsed
 * time runs from the client's submit call to the moment the scheduler recorded the workflow's end
 * (its {@code finishedAtMillis}: every result persisted), so reading a large answer is not counted.
 */
final class TrellisScenarios {

    private static final long MIB = 1024 * 1024;
    /**
     * Sequential workflows run before each latency variant, not counted, per measured sample. The
     * JIT compiler still compiles, and throws away code that branch profiles of other shapes made,
     * after the warm-up's rounds (-XX:+PrintCompilation: 300-350 events in the 10 s of 3 x 1,000
     * samples right after it); a server that answers one request at a time runs that code warm.
     */
    private static final int LATENCY_WARM_UP_PER_SAMPLE = 3;
    /** No-op tasks in one workflow per warm-up round; chains and single submissions come with them. */
    private static final int WARM_UP_ROUND_TASKS = 20_000;
    private static final int WARM_UP_CHAIN_LENGTH = 100;
    /** Workflows per batch submission in {@link #independentBatches(int)}. */
    private static final int BATCH_WORKFLOWS = 1_000;

    private final SchedulerClient scheduler;
    private final RestClient checkpoints;
    private final Sizes sizes;
    private final MachineLimits limits;
    private final Consumer<Figure> out;

    TrellisScenarios(SchedulerClient scheduler, RestClient checkpoints, Sizes sizes, MachineLimits limits, Consumer<Figure> out) {
        this.scheduler = scheduler;
        this.checkpoints = checkpoints;
        this.sizes = sizes;
        this.limits = limits;
        this.out = out;
    }

    /**
     * Runs the shapes the scenarios measure, about {@code tasks} tasks in all, and prints nothing:
     * the scenarios after it measure a warm server. Each round is a one-workflow run, chains (the
     * report path in small batches), one-task workflows, one {@code POST} and {@code /wait} each,
     * from {@code submitters} threads at once as the independent scenario sends them (the REST path,
     * with concurrent requests sharing transactions, as they do there), as many one at a time, as
     * the latency scenario sends them (a {@code /wait} that parks until the workflow ends: code, and
     * branch profiles, the concurrent shape does not give the JIT compiler), and one-task workflows in
     * batches from the same threads, as the batched scenario sends them (planning and storing
     * hundreds of workflows per request: code the other shapes barely run).
     */
    static void warmUp(SchedulerClient scheduler, int tasks, int submitters) throws Exception {
        String single = WorkflowDocuments.noOps("bench-warm-up-single", 1);
        ExecutorService clients = Executors.newFixedThreadPool(submitters);
        try {
            int done = 0;
            while (done < tasks) {
                int round = Math.min(WARM_UP_ROUND_TASKS, tasks - done);
                runToEnd(scheduler, WorkflowDocuments.noOps("bench-warm-up", round));
                int chains = Math.max(1, round / 400);
                runToEnd(scheduler, WorkflowDocuments.chains("bench-warm-up-chains", chains, WARM_UP_CHAIN_LENGTH));
                int singles = Math.max(1, round / 20);
                runOnClients(clients, Stream.<Callable<?>>generate(() -> () -> runToEnd(scheduler, single)).limit(singles));
                for (int i = 0; i < singles; i++) {
                    if (i % 2 == 0) {
                        runToEnd(scheduler, single);
                    } else {
                        scheduler.submitAndAwaitSucceeded(single);
                    }
                }
                int batched = Math.max(1, round / 5);
                String batchName = "bench-warm-up-batch-" + done;
                runOnClients(clients, batches(batchName, batched).map(document -> () -> scheduler.submitBatch(document)));
                scheduler.awaitAllSucceeded(batchName, batched);
                done += round + chains * WARM_UP_CHAIN_LENGTH + 2 * singles + batched;
            }
        } finally {
            clients.shutdownNow();
        }
    }

    void oneWorkflow(int tasks) throws Exception {
        String document = WorkflowDocuments.noOps("bench-noops", tasks);
        List<Measured<Double>> runs = Runs.repeat(repeats(tasks), () -> CpuSpent.measureTimed(() -> runToEnd(document)));
        out.accept(throughput("noop_tasks_one_workflow", tasks, runs, 10_000.0, Map.of("tasks", tasks)));
    }

    /**
     * {@code tasks} single-task workflows from several client threads at once, one {@code POST} each, then waited
     * for as a whole (a list query, not a request per workflow, so waiting does not compete).
     */
    void independentSubmissions(int tasks) throws Exception {
        List<Measured<Double>> runs = Runs.repeat(repeats(tasks), () -> CpuSpent.measureTimed(() -> {
            String name = "bench-single-" + System.nanoTime();
            String document = WorkflowDocuments.noOps(name, 1);
            return secondsUntilAllSucceeded(name, tasks, IntStream.range(0, tasks).mapToObj(i -> () -> scheduler.submit(document)));
        }));
        out.accept(throughput("noop_tasks_independent_workflows", tasks, runs, 10_000.0,
                Map.of("workflows", tasks, "submitterThreads", sizes.submitters())));
    }

    /**
     * {@code tasks} one-task workflows sent as batches of {@link #BATCH_WORKFLOWS}
     * ({@code POST /api/workflows/batch}) from the same client threads, then waited for as a whole.
     */
    void independentBatches(int tasks) throws Exception {
        List<Measured<Double>> runs = Runs.repeat(repeats(tasks), () -> CpuSpent.measureTimed(() -> {
            String name = "bench-batch-" + System.nanoTime();
            return secondsUntilAllSucceeded(name, tasks, batches(name, tasks).map(document -> () -> scheduler.submitBatch(document)));
        }));
        out.accept(throughput("noop_tasks_independent_workflows_batched", tasks, runs, 10_000.0,
                Map.of("workflows", tasks, "workflowsPerBatch", BATCH_WORKFLOWS, "submitterThreads", sizes.submitters())));
    }

    /** {@code workflows} one-task workflows named {@code name}, as batch documents of {@link #BATCH_WORKFLOWS}, built as consumed. */
    private static Stream<String> batches(String name, int workflows) {
        return IntStream.iterate(0, from -> from < workflows, from -> from + BATCH_WORKFLOWS)
                .mapToObj(from -> WorkflowDocuments.oneTaskWorkflows(name, Math.min(BATCH_WORKFLOWS, workflows - from)));
    }

    /**
     * Runs the submissions on the submitter threads (the stream is consumed once timing began) and
     * waits for all {@code workflows} named {@code name}: seconds from the first submit to the last end.
     */
    private double secondsUntilAllSucceeded(String name, int workflows, Stream<Callable<?>> submissions) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(sizes.submitters());
        try {
            long began = System.currentTimeMillis();
            runOnClients(clients, submissions);
            return (scheduler.awaitAllSucceeded(name, workflows) - began) / 1e3;
        } finally {
            clients.shutdownNow();
        }
    }

    /** Hands every call to the client threads at once, then returns when all have ended; rethrows a failure. */
    private static void runOnClients(ExecutorService clients, Stream<Callable<?>> calls) throws Exception {
        List<Future<?>> running = new ArrayList<>();
        calls.forEach(call -> running.add(clients.submit(call)));
        for (Future<?> call : running) {
            call.get();
        }
    }

    /**
     * One one-task workflow at a time, submit → result, two ways: as one request that waits
     * ({@code POST /api/workflows?wait=60s}) and as a submit followed by {@code GET /wait}. Both
     * warm up first, then their runs alternate, so neither gets the other's extra warm-up or a
     * quieter minute of the box: their figures compare.
     */
    void latency() throws Exception {
        String document = WorkflowDocuments.noOps("bench-latency", 1);
        List<LatencyVariant> variants = List.of(
                new LatencyVariant("single_task_latency", "POST /api/workflows?wait=60s", () -> scheduler.submitAndAwaitSucceeded(document)),
                new LatencyVariant("single_task_latency_post_then_wait", "POST /api/workflows then GET /wait",
                        () -> scheduler.awaitSucceeded(scheduler.submit(document).id())));
        int samples = sizes.latencySamples();
        for (LatencyVariant variant : variants) {
            for (int i = 0; i < LATENCY_WARM_UP_PER_SAMPLE * samples; i++) {
                variant.oneWorkflow().run();
            }
        }
        Map<LatencyVariant, List<Measured<LatencySamples>>> runs = new LinkedHashMap<>();
        for (int repeat = 0; repeat < Math.max(1, sizes.repeats()); repeat++) {
            for (LatencyVariant variant : variants) {
                runs.computeIfAbsent(variant, key -> new ArrayList<>()).add(CpuSpent.measure(() -> variant.sample(samples)));
            }
        }
        runs.forEach((variant, itsRuns) -> {
            Runs p50 = Runs.of(itsRuns, run -> run.value().percentileMillis(50));
            Runs p99 = Runs.of(itsRuns, run -> run.value().percentileMillis(99));
            out.accept(new Figure(variant.figure() + "_p50", p50.median(), "ms", limits.kafkaRoundTripP50Millis(), 2.5,
                    latencyParams(samples, variant.via(), p50, itsRuns)));
            out.accept(new Figure(variant.figure() + "_p99", p99.median(), "ms", limits.kafkaRoundTripP99Millis(), 6.0,
                    latencyParams(samples, variant.via(), p99, itsRuns)));
        });
    }

    /** One way of running a workflow to its end, timed sample by sample. */
    private record LatencyVariant(String figure, String via, Runnable oneWorkflow) {

        LatencySamples sample(int samples) {
            LatencySamples run = new LatencySamples(samples);
            for (int i = 0; i < samples; i++) {
                long began = System.nanoTime();
                oneWorkflow.run();
                run.add(System.nanoTime() - began);
            }
            return run;
        }
    }

    private static Map<String, Object> latencyParams(int samples, String via, Runs percentile, List<Measured<LatencySamples>> runs) {
        Map<String, Object> params = new HashMap<>(cpuParams(runs, samples));
        params.putAll(Map.of("samples", samples, "warmUpSamples", LATENCY_WARM_UP_PER_SAMPLE * samples, "via", via,
                "runs", percentile.each(ms -> ms, 2), "order", "both variants warmed up, then their runs alternating"));
        return params;
    }

    /**
     * Bash tasks in one workflow. The same a tenth the size runs first, not counted: the no-op
     * warm-up runs no bash, and each slot starts its shell at its first bash task.
     */
    void bash(double taskFilesPerSecond) throws Exception {
        int tasks = sizes.bashTasks();
        runToEnd(WorkflowDocuments.bashEchoes("bench-bash-warm-up", Math.max(1, tasks / 10)));
        String document = WorkflowDocuments.bashEchoes("bench-bash", tasks);
        out.accept(throughput("bash_tasks", tasks, timedRuns(document), taskFilesPerSecond, 1_000.0,
                Map.of("tasks", tasks, "command", "echo hi > {outputs[0]}", "warmUp", "the same a tenth the size first",
                        "limitMeaning", "task workspaces (a directory and three files) created a second on one thread")));
    }

    void chains() throws Exception {
        int tasks = sizes.chains() * sizes.chainLength();
        String document = WorkflowDocuments.chains("bench-chains", sizes.chains(), sizes.chainLength());
        out.accept(throughput("chain_tasks", tasks, timedRuns(document), 8_000.0,
                Map.of("chains", sizes.chains(), "length", sizes.chainLength())));
    }

    void fanOutFanIn() throws Exception {
        int tasks = sizes.fanWidth() + 2;
        String document = WorkflowDocuments.fanOutFanIn("bench-fan", sizes.fanWidth());
        out.accept(throughput("fan_out_fan_in_tasks", tasks, timedRuns(document), null, Map.of("width", sizes.fanWidth())));
    }

    /**
     * A checkpointed first run, then the same workflow resumed from it: every task a cache hit.
     * Before it, the same at a tenth the size, not counted: no earlier scenario runs the lookup and
     * its JSON, so a fresh JVM's first rerun is mostly class loading and interpreted code.
     */
    void cachedRerun() throws InterruptedException {
        int tasks = sizes.tasks();
        String name = "bench-cached-" + System.currentTimeMillis();
        rerunFromCheckpoint(name + "-warm-up", Math.max(1, tasks / 10));
        Rerun timed = rerunFromCheckpoint(name, tasks);
        out.accept(new Figure("cached_rerun_wall_time", timed.seconds(), "s", limits.secondsToInsert(tasks), 0.5,
                Map.of("tasks", tasks, "cacheHits", timed.cacheHits(), "firstRunSeconds", timed.firstRunSeconds(),
                        "submitAnsweredSeconds", timed.submitAnsweredSeconds(), "warmUp", "the same a tenth the size first",
                        "timed", "submit until finishedAt, stamped after every task row is written",
                        "limitMeaning", "seconds to batch-insert one row per task")));
    }

    private Rerun rerunFromCheckpoint(String name, int tasks) throws InterruptedException {
        double firstRun = runToEnd(WorkflowDocuments.cachedNoOps(name, tasks, false));
        awaitCheckpointed(name, tasks);
        long began = System.currentTimeMillis();
        SubmissionView submission = scheduler.submit(WorkflowDocuments.cachedNoOps(name, tasks, true));
        double submitAnsweredSeconds = (System.currentTimeMillis() - began) / 1e3;
        WorkflowView rerun = scheduler.awaitSucceeded(submission.id());
        return new Rerun(firstRun, submitAnsweredSeconds, (rerun.finishedAtMillis() - began) / 1e3,
                rerun.taskCounts().getOrDefault("CACHED", 0));
    }

    private record Rerun(double firstRunSeconds, double submitAnsweredSeconds, double seconds, int cacheHits) {
    }

    /**
     * Submit time and heap for a large DAG (chains of 100). The heap is the whole process's (broker,
     * workers and checkpoint-service share the JVM with the scheduler), after a GC: an upper bound.
     */
    void scale() {
        int length = Math.min(100, sizes.scaleTasks());
        int chains = sizes.scaleTasks() / length;
        // A scheduler that has run before: the first plan of a fresh JVM is mostly JIT compilation.
        scheduler.cancel(scheduler.submit(WorkflowDocuments.chains("bench-scale-warm-up", Math.max(1, chains / 10), length)).id());
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = heapAfterGc(memory);
        long began = System.nanoTime();
        SubmissionView submission = scheduler.submit(WorkflowDocuments.chains("bench-scale", chains, length));
        double submitSeconds = (System.nanoTime() - began) / 1e9;
        long heapWithDag = heapAfterGc(memory);
        scheduler.cancel(submission.id());
        int tasks = chains * length;
        out.accept(new Figure("large_dag_submit_time", submitSeconds, "s", limits.secondsToInsert(tasks), 3.0,
                Map.of("tasks", tasks, "shape", chains + " chains x " + length, "warmUp", "one DAG a tenth the size first",
                        "limitMeaning", "seconds to batch-insert one row per task")));
        out.accept(new Figure("large_dag_process_heap", (double) heapWithDag / MIB, "MiB", null, 1024.0,
                Map.of("tasks", tasks, "heapBeforeMiB", heapBefore / MIB, "heapDeltaMiB", (heapWithDag - heapBefore) / MIB,
                        "note", "whole standalone JVM (scheduler, broker, workers, checkpoint-service) after GC")));
    }

    private double runToEnd(String document) {
        return runToEnd(scheduler, document);
    }

    /** The workflow run to its end {@code --repeats} times: seconds each, with the CPU it took. */
    private List<Measured<Double>> timedRuns(String document) throws Exception {
        return Runs.repeat(sizes.repeats(), () -> CpuSpent.measureTimed(() -> runToEnd(document)));
    }

    /** Seconds from submitting the workflow to its end as the scheduler stamped it (every result persisted). */
    private static double runToEnd(SchedulerClient scheduler, String document) {
        long began = System.currentTimeMillis();
        WorkflowView done = scheduler.awaitSucceeded(scheduler.submit(document).id());
        return (done.finishedAtMillis() - began) / 1e3;
    }

    /** Tasks/s of the median run, with every run's rate in {@code params.runs} and the CPU they took. */
    private Figure throughput(String figure, int tasks, List<Measured<Double>> runs, Double target, Map<String, Object> params) {
        return throughput(figure, tasks, runs, limits.kafkaMessagesPerSecond(), target, params);
    }

    private Figure throughput(String figure, int tasks, List<Measured<Double>> runs, Double limit, Double target, Map<String, Object> params) {
        Runs seconds = Runs.of(runs, Measured::value);
        double medianSeconds = seconds.median();
        Map<String, Object> withTime = new HashMap<>(params);
        withTime.putAll(cpuParams(runs, tasks));
        withTime.put("seconds", medianSeconds);
        withTime.put("runs", seconds.each(runSeconds -> tasks / runSeconds, 0));
        return new Figure(figure, tasks / medianSeconds, "tasks/s", limit, target, withTime);
    }

    /**
     * The median over the runs of the CPU milliseconds per task, the machine's and this JVM's
     * ({@code cpuMsPerTask}), and of the share of the machine's cores busy ({@code machineBusy}, 1 =
     * all of them all the time): a run near 1 is bound by CPU, and its rate is about
     * {@code cores / cpuMsPerTask.machine}. The machine's figures are left out where it has no {@code /proc/stat}.
     */
    static Map<String, Object> cpuParams(List<? extends Measured<?>> runs, int tasksPerRun) {
        Map<String, Object> perTask = new HashMap<>();
        perTask.put("jvm", rounded(Runs.of(runs, run -> run.cpu().jvmMillisPer(tasksPerRun)).median(), 3));
        if (runs.stream().anyMatch(run -> run.cpu().machineSeconds() == null)) {
            return Map.of("cpuMsPerTask", perTask);
        }
        perTask.put("machine", rounded(Runs.of(runs, run -> run.cpu().machineMillisPer(tasksPerRun)).median(), 3));
        int cores = Runtime.getRuntime().availableProcessors();
        return Map.of("cpuMsPerTask", perTask, "machineBusy", rounded(Runs.of(runs, run -> run.cpu().machineBusyShare(cores)).median(), 2),
                "cores", cores);
    }

    private static double rounded(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** The 10,000-task scenarios run {@code --repeats} times; the large ones, minutes each, once. */
    private int repeats(int tasks) {
        return tasks == sizes.tasks() ? sizes.repeats() : 1;
    }

    /** task_exit checkpoints reach the checkpoint-service through Kafka: a rerun only hits what has arrived. */
    private void awaitCheckpointed(String workflowName, int entries) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<CheckpointView> listed = WireCodec.readValue(
                    checkpoints.get("/api/checkpoints?workflowName=" + workflowName).body(), new TypeReference<>() { });
            if (listed.stream().mapToInt(CheckpointView::entryCount).sum() >= entries) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the checkpoints of " + workflowName + " did not reach " + entries + " entries");
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
