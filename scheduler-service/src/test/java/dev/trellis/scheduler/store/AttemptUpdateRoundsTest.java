package dev.trellis.scheduler.store;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AttemptUpdateRoundsTest {

    private static final UUID WORKFLOW = UUID.randomUUID();

    @Test
    void updatesOfDistinctAttemptsAreOneRound() {
        List<AttemptRow> updates = List.of(update("a", 1, "SUCCEEDED"), update("a", 2, "STARTED"), update("b", 1, "FAILED"));

        assertThat(WorkflowStore.rounds(updates)).containsExactly(updates);
    }

    @Test
    void anAttemptsLaterUpdatesGoToLaterRoundsInTheirOrder() {
        AttemptRow aStarted = update("a", 1, "STARTED");
        AttemptRow bStarted = update("b", 1, "STARTED");
        AttemptRow aSucceeded = update("a", 1, "SUCCEEDED");
        AttemptRow aCancelled = update("a", 1, "CANCELLED");
        AttemptRow bFailed = update("b", 1, "FAILED");

        assertThat(WorkflowStore.rounds(List.of(aStarted, bStarted, aSucceeded, aCancelled, bFailed))).containsExactly(
                List.of(aStarted, bStarted), List.of(aSucceeded, bFailed), List.of(aCancelled));
    }

    @Test
    void noUpdatesAreNoRounds() {
        assertThat(WorkflowStore.rounds(List.of())).isEmpty();
    }

    private static AttemptRow update(String task, int attempt, String status) {
        return new AttemptRow(WORKFLOW, task, attempt, "threads", status, null, null, null, null, null, null, null, null,
                Instant.EPOCH, null);
    }
}
