package dev.trellis.engine.run;

import dev.trellis.engine.plan.PlannedTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.trellis.engine.run.TaskState.CACHED;
import static dev.trellis.engine.run.TaskState.CANCELLED;
import static dev.trellis.engine.run.TaskState.DEPENDENCY_FAILED;
import static dev.trellis.engine.run.TaskState.FAILED;
import static dev.trellis.engine.run.TaskState.QUEUED;
import static dev.trellis.engine.run.TaskState.READY;
import static dev.trellis.engine.run.TaskState.RETRY_WAIT;
import static dev.trellis.engine.run.TaskState.RUNNING;
import static dev.trellis.engine.run.TaskState.SUCCEEDED;
import static dev.trellis.engine.run.TaskState.WAITING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskTransitionsTest {

    /** The table as this test expects it: a change to the real one must be deliberate. */
    private static final List<List<TaskState>> LEGAL_MOVES = List.of(
            List.of(WAITING, READY),
            List.of(WAITING, DEPENDENCY_FAILED),
            List.of(WAITING, CANCELLED),
            List.of(READY, QUEUED),
            List.of(READY, CACHED),
            List.of(READY, CANCELLED),
            List.of(QUEUED, RUNNING),
            List.of(QUEUED, SUCCEEDED),
            List.of(QUEUED, FAILED),
            List.of(QUEUED, RETRY_WAIT),
            List.of(QUEUED, READY),
            List.of(QUEUED, CANCELLED),
            List.of(RUNNING, SUCCEEDED),
            List.of(RUNNING, FAILED),
            List.of(RUNNING, RETRY_WAIT),
            List.of(RUNNING, READY),
            List.of(RUNNING, CANCELLED),
            List.of(RETRY_WAIT, READY),
            List.of(RETRY_WAIT, CANCELLED));

    static Stream<Arguments> legalMoves() {
        return LEGAL_MOVES.stream().map(move -> Arguments.of(move.get(0), move.get(1)));
    }

    static Stream<Arguments> illegalMoves() {
        return Arrays.stream(TaskState.values())
                .flatMap(from -> Arrays.stream(TaskState.values()).map(to -> List.of(from, to)))
                .filter(move -> !LEGAL_MOVES.contains(move))
                .map(move -> Arguments.of(move.get(0), move.get(1)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("legalMoves")
    void aTaskMakesEveryMoveInTheTable(TaskState from, TaskState to) {
        TaskRun task = taskIn(from);

        task.moveTo(to);

        assertThat(task.state()).isEqualTo(to);
        assertThat(TaskTransitions.isAllowed(from, to)).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("illegalMoves")
    void aMoveOutsideTheTableThrowsNamingTheTaskAndBothStates(TaskState from, TaskState to) {
        TaskRun task = taskIn(from);

        assertThatThrownBy(() -> task.moveTo(to))
                .isInstanceOfSatisfying(IllegalTaskTransitionException.class, e -> {
                    assertThat(e.taskId()).isEqualTo("t");
                    assertThat(e.from()).isEqualTo(from);
                    assertThat(e.to()).isEqualTo(to);
                })
                .hasMessage("task 't' cannot move from " + from + " to " + to);
        assertThat(task.state()).as("an illegal move changes nothing").isEqualTo(from);
    }

    @ParameterizedTest
    @EnumSource(value = TaskState.class, names = {"SUCCEEDED", "CACHED", "FAILED", "DEPENDENCY_FAILED", "CANCELLED"})
    void terminalStatesAllowNoMoveAtAll(TaskState terminal) {
        assertThat(terminal.isTerminal()).isTrue();
        assertThat(TaskTransitions.allowedFrom(terminal)).isEmpty();
    }

    @Test
    void aTaskCannotRunTwiceOnceItSucceeded() {
        TaskRun task = taskIn(RUNNING);
        task.moveTo(SUCCEEDED);

        assertThatThrownBy(() -> task.moveTo(RUNNING)).isInstanceOf(IllegalTaskTransitionException.class);
    }

    @Test
    void theStatesSayWhatTheyMean() {
        assertThat(Arrays.stream(TaskState.values()).filter(TaskState::isSuccessful)).containsExactly(SUCCEEDED, CACHED);
        assertThat(Arrays.stream(TaskState.values()).filter(TaskState::isFailure)).containsExactly(FAILED, DEPENDENCY_FAILED);
        assertThat(Arrays.stream(TaskState.values()).filter(TaskState::isInFlight)).containsExactly(QUEUED, RUNNING);
        assertThat(Arrays.stream(TaskState.values()).filter(state -> !state.isTerminal()))
                .containsExactly(WAITING, READY, QUEUED, RUNNING, RETRY_WAIT);
    }

    private static TaskRun taskIn(TaskState state) {
        PlannedTask planned = new PlannedTask("t", "app", null, Map.of(), List.of(), List.of(), Set.of(), List.of(), 1, null);
        return new TaskRun(planned, state, 1);
    }
}
