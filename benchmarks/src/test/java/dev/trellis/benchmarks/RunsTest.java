package dev.trellis.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

import static org.assertj.core.api.Assertions.assertThat;

class RunsTest {

    @Test
    void theFigureIsTheMedianOfItsRunsWhateverTheirOrder() throws Exception {
        Queue<Double> measured = new ArrayDeque<>(List.of(5.0, 1.0, 3.0));

        Runs runs = Runs.of(Runs.repeat(3, measured::remove), seconds -> seconds);

        assertThat(runs.median()).isEqualTo(3.0);
        assertThat(runs.each(seconds -> 10 / seconds, 1)).containsExactly(2.0, 10.0, 3.3);
    }

    @Test
    void anEvenNumberOfRunsGivesTheMeanOfTheMiddleTwoAndZeroTimesStillMeasuresOnce() throws Exception {
        Queue<Double> measured = new ArrayDeque<>(List.of(4.0, 1.0, 2.0, 8.0, 7.0));

        assertThat(Runs.of(Runs.repeat(4, measured::remove), value -> value).median()).isEqualTo(3.0);
        assertThat(Runs.of(Runs.repeat(0, measured::remove), value -> value).each(value -> value, 0)).containsExactly(7.0);
    }

    @Test
    void severalFiguresComeFromTheSameRunsEachInRunOrder() throws Exception {
        Queue<List<Double>> runs = new ArrayDeque<>(List.of(List.of(1.0, 9.0), List.of(2.0, 7.0), List.of(3.0, 8.0)));

        List<List<Double>> taken = Runs.repeat(3, runs::remove);

        assertThat(Runs.of(taken, run -> run.get(0)).each(value -> value, 0)).containsExactly(1.0, 2.0, 3.0);
        assertThat(Runs.of(taken, run -> run.get(1)).median()).isEqualTo(8.0);
        assertThat(Runs.repeat(0, () -> "once")).containsExactly("once");
    }
}
