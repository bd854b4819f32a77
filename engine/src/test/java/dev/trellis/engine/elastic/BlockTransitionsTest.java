package dev.trellis.engine.elastic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.trellis.engine.elastic.BlockState.DRAINING;
import static dev.trellis.engine.elastic.BlockState.GONE;
import static dev.trellis.engine.elastic.BlockState.PENDING;
import static dev.trellis.engine.elastic.BlockState.RUNNING;
import static dev.trellis.engine.elastic.Blocks.T0;
import static dev.trellis.engine.elastic.Blocks.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockTransitionsTest {

    /** The table as this test expects it: a change to the real one must be deliberate. */
    private static final List<List<BlockState>> LEGAL_MOVES = List.of(
            List.of(PENDING, RUNNING),
            List.of(PENDING, GONE),
            List.of(RUNNING, DRAINING),
            List.of(RUNNING, GONE),
            List.of(DRAINING, GONE));

    static Stream<Arguments> legalMoves() {
        return LEGAL_MOVES.stream().map(move -> Arguments.of(move.get(0), move.get(1)));
    }

    static Stream<Arguments> illegalMoves() {
        return Arrays.stream(BlockState.values())
                .flatMap(from -> Arrays.stream(BlockState.values()).map(to -> List.of(from, to)))
                .filter(move -> !LEGAL_MOVES.contains(move))
                .map(move -> Arguments.of(move.get(0), move.get(1)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("legalMoves")
    void aBlockMakesEveryMoveInTheTable(BlockState from, BlockState to) {
        Block moved = blockIn(from).moveTo(to, at(5));

        assertThat(moved.state()).isEqualTo(to);
        assertThat(BlockTransitions.isAllowed(from, to)).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("illegalMoves")
    void aMoveOutsideTheTableThrowsNamingTheBlockAndBothStates(BlockState from, BlockState to) {
        Block block = blockIn(from);

        assertThatThrownBy(() -> block.moveTo(to, at(5)))
                .isInstanceOfSatisfying(IllegalBlockTransitionException.class, e -> {
                    assertThat(e.blockId()).isEqualTo("b1");
                    assertThat(e.from()).isEqualTo(from);
                    assertThat(e.to()).isEqualTo(to);
                })
                .hasMessage("block 'b1' cannot move from " + from + " to " + to);
        assertThat(BlockTransitions.isAllowed(from, to)).isFalse();
    }

    @Test
    void goneIsTheOnlyTerminalStateAndAllowsNoMove() {
        assertThat(Arrays.stream(BlockState.values()).filter(BlockState::isTerminal)).containsExactly(GONE);
        assertThat(BlockTransitions.allowedFrom(GONE)).isEmpty();
    }

    @Test
    void aDrainingBlockCannotGoBackToTakingTasks() {
        assertThatThrownBy(() -> blockIn(DRAINING).moveTo(RUNNING, at(5)))
                .isInstanceOf(IllegalBlockTransitionException.class);
    }

    @Test
    void pendingAndRunningBlocksAreTheSitesCapacityDrainingAndGoneOnesAreNot() {
        assertThat(Arrays.stream(BlockState.values()).filter(BlockState::isCapacity)).containsExactly(PENDING, RUNNING);
    }

    @Test
    void movingToRunningRecordsWhenTheBlockStarted() {
        Block started = Block.requested("b1", 4, T0).moveTo(RUNNING, at(7));

        assertThat(started.startedAt()).isEqualTo(at(7));
        assertThat(started.pendingSince()).isEqualTo(T0);
        assertThat(started.moveTo(DRAINING, at(60)).startedAt()).as("only the start records it").isEqualTo(at(7));
    }

    private static Block blockIn(BlockState state) {
        return switch (state) {
            case PENDING -> Blocks.aPendingBlock("b1").build();
            case RUNNING -> Blocks.aRunningBlock("b1").build();
            case DRAINING -> Blocks.aDrainingBlock("b1").build();
            case GONE -> Blocks.aGoneBlock("b1").build();
        };
    }
}
