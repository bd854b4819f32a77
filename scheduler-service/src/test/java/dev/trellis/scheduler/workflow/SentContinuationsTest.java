package dev.trellis.scheduler.workflow;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SentContinuationsTest {

    private final SentContinuations continuations = new SentContinuations();

    @Test
    void aContinuationRunsOnTheBlockThatReportedItsUpstreamsSuccess() {
        continuations.sent("a", 1, "b", 1);

        continuations.upstreamSucceeded("a", 1, "block-7");

        assertThat(continuations.takeRunning("b", 1)).contains("block-7");
        assertThat(continuations.takeRunning("b", 1)).as("taken once").isEmpty();
        assertThat(continuations.dependentEnded("b")).as("nothing left to cancel").isEmpty();
    }

    @Test
    void aDependentWhoseUpstreamFailedIsSentOnItsOwn() {
        continuations.sent("a", 1, "b", 1);

        continuations.upstreamFailed("a");

        assertThat(continuations.takeRunning("b", 1)).isEmpty();
    }

    @Test
    void theSuccessOfAnOlderUpstreamAttemptDoesNotCount() {
        continuations.sent("a", 2, "b", 1); // a's retry carries b again

        continuations.upstreamSucceeded("a", 1, "block-old");

        assertThat(continuations.takeRunning("b", 1)).isEmpty();
    }

    @Test
    void aRetriedUpstreamCarriesItsDependentAgain() {
        continuations.sent("a", 1, "b", 1);
        continuations.upstreamFailed("a");
        continuations.sent("a", 2, "b", 1);

        continuations.upstreamSucceeded("a", 2, "block-2");

        assertThat(continuations.takeRunning("b", 1)).contains("block-2");
    }

    @Test
    void aDependentThatEndsWhileRidingGivesTheAttemptToCancel() {
        continuations.sent("a", 1, "b", 1);

        assertThat(continuations.dependentEnded("b")).contains(1);

        continuations.upstreamSucceeded("a", 1, "block-7");
        assertThat(continuations.takeRunning("b", 1)).isEmpty();
        assertThat(continuations.dependentEnded("b")).isEmpty();
    }

    @Test
    void aDependentReadyAsAnotherAttemptThanItRodeAsIsSentOnItsOwn() {
        continuations.sent("a", 1, "b", 1);
        continuations.upstreamSucceeded("a", 1, "block-7");

        assertThat(continuations.takeRunning("b", 2)).isEmpty();
    }
}
