package dev.trellis.worker.block;

import dev.trellis.protocol.message.CancelMessage;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CancelledAttemptsTest {

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

    private final CancelledAttempts cancelled = new CancelledAttempts(3, Duration.ofHours(1));

    @Test
    void aCancelledAttemptIsRememberedWithItsReason() {
        cancelled.remember(CancelMessage.ofAttempt("wf", "a", 1, "workflow cancelled", 0), NOW);

        assertThat(cancelled.reasonFor(attempt("wf", "a", 1), NOW)).contains("workflow cancelled");
    }

    @Test
    void otherAttemptsTasksAndWorkflowsAreNotCancelled() {
        cancelled.remember(CancelMessage.ofAttempt("wf", "a", 1, "cancelled on request", 0), NOW);

        assertThat(cancelled.reasonFor(attempt("wf", "a", 2), NOW)).isEmpty();
        assertThat(cancelled.reasonFor(attempt("wf", "b", 1), NOW)).isEmpty();
        assertThat(cancelled.reasonFor(attempt("other", "a", 1), NOW)).isEmpty();
    }

    @Test
    void aCancellationOfAnyAttemptCoversEveryAttemptOfTheTask() {
        cancelled.remember(CancelMessage.ofAttempt("wf", "a", CancelMessage.ANY_ATTEMPT, "stop a", 0), NOW);

        assertThat(cancelled.reasonFor(attempt("wf", "a", 1), NOW)).contains("stop a");
        assertThat(cancelled.reasonFor(attempt("wf", "a", 7), NOW)).contains("stop a");
        assertThat(cancelled.reasonFor(attempt("wf", "b", 1), NOW)).isEmpty();
    }

    @Test
    void aWorkflowCancellationCoversEveryTaskOfTheWorkflow() {
        cancelled.remember(CancelMessage.ofWorkflow("wf", "workflow cancelled", 0), NOW);

        assertThat(cancelled.reasonFor(attempt("wf", "a", 1), NOW)).contains("workflow cancelled");
        assertThat(cancelled.reasonFor(attempt("wf", "b", 3), NOW)).contains("workflow cancelled");
        assertThat(cancelled.reasonFor(attempt("other", "a", 1), NOW)).isEmpty();
    }

    @Test
    void beyondItsCapacityTheOldestCancellationIsForgotten() {
        for (int i = 0; i < 4; i++) {
            cancelled.remember(CancelMessage.ofAttempt("wf", "t-" + i, 1, "cancelled", 0), NOW.plusSeconds(i));
        }

        assertThat(cancelled.size()).isEqualTo(3);
        assertThat(cancelled.reasonFor(attempt("wf", "t-0", 1), NOW.plusSeconds(4))).isEmpty();
        assertThat(cancelled.reasonFor(attempt("wf", "t-1", 1), NOW.plusSeconds(4))).isPresent();
        assertThat(cancelled.reasonFor(attempt("wf", "t-3", 1), NOW.plusSeconds(4))).isPresent();
    }

    @Test
    void hearingACancellationAgainMakesItTheNewest() {
        cancelled.remember(CancelMessage.ofAttempt("wf", "t-0", 1, "cancelled", 0), NOW);
        cancelled.remember(CancelMessage.ofAttempt("wf", "t-1", 1, "cancelled", 0), NOW);
        cancelled.remember(CancelMessage.ofAttempt("wf", "t-0", 1, "cancelled", 0), NOW);
        cancelled.remember(CancelMessage.ofAttempt("wf", "t-2", 1, "cancelled", 0), NOW);
        cancelled.remember(CancelMessage.ofAttempt("wf", "t-3", 1, "cancelled", 0), NOW);

        assertThat(cancelled.reasonFor(attempt("wf", "t-0", 1), NOW)).isPresent();
        assertThat(cancelled.reasonFor(attempt("wf", "t-1", 1), NOW)).isEmpty();
    }

    @Test
    void aCancellationOlderThanTheRetentionIsForgotten() {
        cancelled.remember(CancelMessage.ofAttempt("wf", "old", 1, "cancelled", 0), NOW);
        cancelled.remember(CancelMessage.ofAttempt("wf", "recent", 1, "cancelled", 0), NOW.plus(Duration.ofMinutes(30)));

        Instant later = NOW.plus(Duration.ofMinutes(61));

        assertThat(cancelled.reasonFor(attempt("wf", "old", 1), later)).isEmpty();
        assertThat(cancelled.reasonFor(attempt("wf", "recent", 1), later)).isPresent();
        assertThat(cancelled.size()).isEqualTo(1);
    }

    @Test
    void aMemoryWithoutRoomIsRejected() {
        assertThatThrownBy(() -> new CancelledAttempts(0, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }

    private static TaskMessage attempt(String workflowId, String taskId, int attempt) {
        return new TaskMessage(workflowId, taskId, attempt, "threads", "app",
                AppSpec.bash("true"), Map.of(), List.of(), List.of());
    }
}
