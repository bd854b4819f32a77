package dev.trellis.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * One measurement taken several times in a row. On two shared cores the same scenario moves by a
 * third from one run to the next, so a figure is the median of its runs, printed with all of them.
 */
final class Runs {

    private final double[] values;

    private Runs(double[] values) {
        this.values = values;
    }

    /** One figure of each run, in run order (several figures may come from the same runs). */
    static <T> Runs of(List<T> runs, ToDoubleFunction<T> figure) {
        return new Runs(runs.stream().mapToDouble(figure).toArray());
    }

    /** Does {@code run} {@code times} times (at least once), one after the other; its results in order. */
    static <T> List<T> repeat(int times, Callable<T> run) throws Exception {
        List<T> results = new ArrayList<>();
        for (int i = 0; i < Math.max(1, times); i++) {
            results.add(run.call());
        }
        return results;
    }

    /** The middle value; with an even count, the mean of the two middle ones. */
    double median() {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** Each run's value turned into another unit (seconds into tasks/s, say) and rounded to {@code decimals} places, in run order. */
    List<Double> each(DoubleUnaryOperator conversion, int decimals) {
        double scale = Math.pow(10, decimals);
        return Arrays.stream(values).map(conversion).map(value -> Math.round(value * scale) / scale).boxed().toList();
    }
}
