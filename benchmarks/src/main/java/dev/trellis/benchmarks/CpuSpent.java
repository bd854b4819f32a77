package dev.trellis.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The CPU a run used: the whole machine's (every process and the kernel's network and scheduling
 * work, from {@code /proc/stat}) and this JVM's (the benchmark's clients share it with the
 * scheduler, broker, workers and checkpoint-service). On two cores a busy scenario is bound by CPU,
 * so its CPU per task says what a change to the code saved, and it moves far less from run to run
 * than the rate does.
 *
 * @param machineSeconds CPU seconds the machine was busy (user, nice, system, irq, softirq; steal
 *                       is the hypervisor's), null where {@code /proc/stat} is not readable
 */
record CpuSpent(double wallSeconds, double jvmSeconds, Double machineSeconds) {

    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** How often {@link #measureTimed} reads the counters while its run lasts: {@code /proc/stat} moves in 10 ms ticks. */
    private static final long SAMPLE_MILLIS = 10;
    /** Linux counts {@code /proc/stat} in clock ticks of USER_HZ, 100 a second on every mainstream architecture. */
    private static final double SECONDS_PER_TICK = 0.01;

    /** What {@code run} returned and the CPU spent while it ran. */
    record Measured<T>(T value, CpuSpent cpu) {
    }

    static <T> Measured<T> measure(Callable<T> run) throws Exception {
        Reading before = Reading.now();
        T value = run.call();
        Reading after = Reading.now();
        return new Measured<>(value, between(before, after));
    }

    /**
     * Measures a run that times itself (seconds from its start to the moment its work ended, such as
     * the scheduler's {@code finishedAt}) only up to that moment, so the counters leave out what the
     * client does after it, as the time does: reading every task of a 100,000-task workflow, or
     * listing 100,000 workflows page by page, costs seconds of CPU and is no part of the figure.
     * The counters are read every {@value #SAMPLE_MILLIS} ms on a thread of their own meanwhile; the
     * first reading at or after the end closes the window.
     */
    static Measured<Double> measureTimed(Callable<Double> run) throws Exception {
        List<TimedReading> readings = Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "cpu-sampler");
            thread.setDaemon(true);
            return thread;
        });
        long began = System.currentTimeMillis();
        Reading first = Reading.now();
        double seconds;
        try {
            sampler.scheduleAtFixedRate(() -> readings.add(new TimedReading(System.currentTimeMillis(), Reading.now())),
                    SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
            seconds = run.call();
        } finally {
            sampler.shutdownNow();
        }
        Reading last = firstAtOrAfter(List.copyOf(readings), began + Math.round(seconds * 1000), Reading::now);
        return new Measured<>(seconds, between(first, last));
    }

    /** The first of {@code readings} (in time order) taken at or after {@code epochMillis}, else {@code otherwise}'s. */
    static Reading firstAtOrAfter(List<TimedReading> readings, long epochMillis, Supplier<Reading> otherwise) {
        return readings.stream().filter(reading -> reading.epochMillis() >= epochMillis).findFirst()
                .map(TimedReading::reading).orElseGet(otherwise);
    }

    /** A reading and the wall-clock time it was taken at, which a run's end time is compared with. */
    record TimedReading(long epochMillis, Reading reading) {
    }

    static CpuSpent between(Reading before, Reading after) {
        Double machine = before.machineTicks().isPresent() && after.machineTicks().isPresent()
                ? (after.machineTicks().get() - before.machineTicks().get()) * SECONDS_PER_TICK : null;
        return new CpuSpent((after.wallNanos() - before.wallNanos()) / 1e9, (after.jvmNanos() - before.jvmNanos()) / 1e9, machine);
    }

    /** Milliseconds of machine CPU per task, or null without {@code /proc/stat}. */
    Double machineMillisPer(int tasks) {
        return machineSeconds == null ? null : machineSeconds * 1000 / tasks;
    }

    double jvmMillisPer(int tasks) {
        return jvmSeconds * 1000 / tasks;
    }

    /**
     * How much of the machine's CPU was busy, 0 to 1 (1: every core all the time), or null without
     * {@code /proc/stat}. At most 1: the counters move in whole ticks of 10 ms per core, so a run of
     * 0.1 s on two cores, busy throughout, may count a tick or two more than it lasted (1.06 seen).
     */
    Double machineBusyShare(int cores) {
        return machineSeconds == null || wallSeconds <= 0 ? null : Math.min(1.0, machineSeconds / (wallSeconds * cores));
    }

    /** The counters at one moment. */
    record Reading(long wallNanos, long jvmNanos, Optional<Long> machineTicks) {

        static Reading now() {
            return new Reading(System.nanoTime(), jvmCpuNanos(), busyTicks(readProcStat()));
        }

        private static long jvmCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }

        private static Optional<String> readProcStat() {
            try {
                return Optional.of(Files.readString(PROC_STAT));
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * The busy ticks of the {@code cpu} line (all cores): user, nice, system, irq and softirq. Idle
     * and iowait are not busy; steal is time the hypervisor gave to others; guest time is already in user.
     */
    static Optional<Long> busyTicks(Optional<String> procStat) {
        return procStat.flatMap(text -> text.lines().filter(line -> line.startsWith("cpu ")).findFirst()).map(line -> {
            String[] fields = line.trim().split("\\s+");
            long busy = 0;
            for (int column : new int[] {1, 2, 3, 6, 7}) { // user nice system [idle iowait] irq softirq
                busy += Long.parseLong(fields[column]);
            }
            return busy;
        });
    }
}
