package dev.trellis.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

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
