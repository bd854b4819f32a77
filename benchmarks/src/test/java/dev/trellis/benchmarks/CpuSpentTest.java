package dev.trellis.benchmarks;

import dev.trellis.benchmarks.CpuSpent.Measured;
import dev.trellis.benchmarks.CpuSpent.Reading;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CpuSpentTest {

    /** The first lines of a 2-core machine's /proc/stat. */
    private static final String PROC_STAT = """
            cpu  1979711 351 350804 2995578 18597 0 40919 2509 0 0
            cpu0 990000 200 175000 1500000 9000 0 20000 1200 0 0
            cpu1 989711 151 175804 1495578 9597 0 20919 1309 0 0
            intr 123456 0 9 0
            """;

    @Test
    void theMachineIsBusyInUserNiceSystemIrqAndSoftirqNotIdleIowaitOrSteal() {
        assertThat(CpuSpent.busyTicks(Optional.of(PROC_STAT))).contains(1979711L + 351 + 350804 + 0 + 40919);
        assertThat(CpuSpent.busyTicks(Optional.empty())).isEmpty();
    }

    @Test
    void aRunSpendsTheDifferenceOfTheCountersPerTaskAndAShareOfTheCores() {
        Reading before = new Reading(1_000_000_000L, 5_000_000_000L, Optional.of(10_000L));
        Reading after = new Reading(3_000_000_000L, 8_000_000_000L, Optional.of(10_360L)); // 2 s wall, 3 s JVM, 3.6 s machine

        CpuSpent spent = CpuSpent.between(before, after);

        assertThat(spent.wallSeconds()).isEqualTo(2.0);
        assertThat(spent.jvmMillisPer(10_000)).isEqualTo(0.3);
        assertThat(spent.machineMillisPer(10_000)).isCloseTo(0.36, within(1e-9));
        assertThat(spent.machineBusyShare(2)).isCloseTo(0.9, within(1e-9));
    }

    @Test
    void aShortRunThatCountsMoreTicksThanItLastedIsAtMostFullyBusy() {
        Reading before = new Reading(0, 0, Optional.of(10_000L));
        Reading after = new Reading(106_000_000L, 200_000_000L, Optional.of(10_023L)); // 0.106 s on 2 cores: 0.212 s at most, 0.23 counted

        CpuSpent spent = CpuSpent.between(before, after);

        assertThat(spent.machineBusyShare(2)).isEqualTo(1.0);
        assertThat(spent.machineMillisPer(23)).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void withoutProcStatOnlyTheJvmsCpuIsReported() {
        CpuSpent spent = CpuSpent.between(new Reading(0, 0, Optional.empty()), new Reading(1_000_000_000L, 500_000_000L, Optional.empty()));
        List<Measured<Double>> runs = List.of(new Measured<>(1.0, spent));

        assertThat(spent.machineMillisPer(100)).isNull();
        assertThat(spent.machineBusyShare(2)).isNull();
        assertThat(TrellisScenarios.cpuParams(runs, 100)).isEqualTo(Map.of("cpuMsPerTask", Map.of("jvm", 5.0)));
    }

    @Test
    void theFigureTakesTheMedianRunsCpuPerTaskAndShareOfTheCores() {
        List<Measured<Double>> runs = List.of(run(1.0, 1.6, 1.8), run(1.0, 1.2, 1.0), run(1.0, 1.4, 1.5));
        int cores = Runtime.getRuntime().availableProcessors();

        Map<String, Object> params = TrellisScenarios.cpuParams(runs, 1_000);

        assertThat(params).containsEntry("cpuMsPerTask", Map.of("machine", 1.4, "jvm", 1.5))
                .containsEntry("machineBusy", Math.round(1.4 / cores * 100) / 100.0)
                .containsEntry("cores", cores);
    }

    @Test
    void measuringARunReturnsItsValueAndAtLeastTheCpuItBurned() throws Exception {
        Measured<Long> measured = CpuSpent.measure(() -> {
            long deadline = System.nanoTime() + 200_000_000L;
            long spins = 0;
            while (System.nanoTime() < deadline) {
                spins++;
            }
            return spins;
        });

        assertThat(measured.value()).isPositive();
        assertThat(measured.cpu().wallSeconds()).isGreaterThanOrEqualTo(0.2);
        assertThat(measured.cpu().jvmSeconds()).isGreaterThan(0.1);
    }

    @Test
    void aTimedRunsCpuEndsWhereItsWorkEndedNotWhenItReturned() throws Exception {
        Measured<Double> measured = CpuSpent.measureTimed(() -> {
            spin(100);
            Thread.sleep(500); // a client reading a large answer after the work it timed
            return 0.1;
        });

        assertThat(measured.value()).isEqualTo(0.1);
        // Not the 0.6 s until it returned. The run's end is compared on the millisecond clock, and the
        // first reading comes a moment after the start: the window may fall short of 0.1 s by a millisecond.
        assertThat(measured.cpu().wallSeconds()).isBetween(0.095, 0.35);
        assertThat(measured.cpu().jvmSeconds()).isGreaterThan(0.05);
    }

    @Test
    void theWindowClosesAtTheFirstReadingAtOrAfterTheEnd() {
        Reading at100 = new Reading(1, 10, Optional.of(100L));
        Reading at110 = new Reading(2, 20, Optional.of(200L));
        Reading now = new Reading(3, 30, Optional.of(300L));
        List<CpuSpent.TimedReading> readings = List.of(new CpuSpent.TimedReading(100, at100), new CpuSpent.TimedReading(110, at110));

        assertThat(CpuSpent.firstAtOrAfter(readings, 100, () -> now)).isEqualTo(at100);
        assertThat(CpuSpent.firstAtOrAfter(readings, 105, () -> now)).isEqualTo(at110);
        assertThat(CpuSpent.firstAtOrAfter(readings, 111, () -> now)).isEqualTo(now);
    }

    private static void spin(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static Measured<Double> run(double wallSeconds, double machineSeconds, double jvmSeconds) {
        return new Measured<>(wallSeconds, new CpuSpent(wallSeconds, jvmSeconds, machineSeconds));
    }
}
