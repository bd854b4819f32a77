package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.api.AttemptView;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.TaskView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.TestBlocks;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

import static dev.trellis.scheduler.workflow.WorkflowApi.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Parsl's retries: a flaky app gets more attempts after a back-off, and every attempt stays visible. */
@SchedulerIntegrationTest
class RetryTest extends WorkflowApiTestBase {

    /**
     * Fails on its first two attempts and succeeds on the third: each attempt appends a line to
     * its output in the data area, which outlives the attempts, and succeeds once there are three.
     */
    private static final String FLAKY_WORKFLOW = """
            name: %s
            settings: {retryBackoffMs: 50, retries: 5}
            apps:
              flaky:
                type: bash
                retries: %d
                command: "echo attempt >> {outputs[0]}; n=$(wc -l < {outputs[0]}); echo \\"try $n\\" >&2; [ $n -ge 3 ] || exit 7"
              echo: {type: java, function: echo}
            tasks:
              - {id: flaky, app: flaky, outputs: [attempts.txt]}
              - {id: after-flaky, app: echo, args: {value: done}, after: [flaky]}
            """;

    @Test
    void aTaskThatFailsTwiceSucceedsOnItsThirdAttemptWithTwoRetries() throws IOException {
        SubmissionView submitted = api.submit(FLAKY_WORKFLOW.formatted("flaky-enough-retries", 2));

        WorkflowView done = api.awaitFinished(submitted.id());

        assertThat(done.status()).isEqualTo("SUCCEEDED");
        TaskView flaky = task(done, "flaky");
        assertThat(flaky.state()).isEqualTo("SUCCEEDED");
        assertThat(flaky.attempt()).isEqualTo(3);
        assertThat(flaky.attempts()).extracting(AttemptView::attempt, AttemptView::status).containsExactly(
                tuple(1, "FAILED"),
                tuple(2, "FAILED"),
                tuple(3, "SUCCEEDED"));
        assertThat(flaky.attempts().subList(0, 2)).allSatisfy(attempt -> assertThat(attempt.exitCode()).isEqualTo(7));
        assertThat(flaky.attempts()).extracting(AttemptView::stderrTail)
                .satisfiesExactly(e -> assertThat(e).contains("try 1"), e -> assertThat(e).contains("try 2"), e -> assertThat(e).contains("try 3"));
        assertThat(flaky.attempts()).allSatisfy(attempt -> assertThat(attempt.finishedAtMillis()).isNotNull());
        assertThat(flaky.attempts().get(1).queuedAtMillis())
                .as("the retry waits for its back-off after the failure")
                .isGreaterThanOrEqualTo(flaky.attempts().get(0).finishedAtMillis() + 50);
        assertThat(Files.readAllLines(TestBlocks.DATA_ROOT.resolve(submitted.id()).resolve("attempts.txt"))).hasSize(3);
        assertThat(task(done, "after-flaky").state()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aTaskThatFailsMoreOftenThanItsAppRetriesEndsFailedWithEveryAttemptRecorded() {
        SubmissionView submitted = api.submit(FLAKY_WORKFLOW.formatted("flaky-too-few-retries", 1));

        WorkflowView done = api.awaitFinished(submitted.id());

        assertThat(done.status()).isEqualTo("FAILED");
        TaskView flaky = task(done, "flaky");
        assertThat(flaky.state()).isEqualTo("FAILED");
        assertThat(flaky.error()).contains("attempt 2 of 2").contains("exit code 7");
        assertThat(flaky.attempts()).extracting(AttemptView::status).containsExactly("FAILED", "FAILED");
        assertThat(task(done, "after-flaky").state()).isEqualTo("DEPENDENCY_FAILED");
    }
}
