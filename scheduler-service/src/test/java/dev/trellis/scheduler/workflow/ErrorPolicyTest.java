package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import org.junit.jupiter.api.Test;

import static dev.trellis.scheduler.workflow.WorkflowApi.resultOf;
import static dev.trellis.scheduler.workflow.WorkflowApi.task;
import static org.assertj.core.api.Assertions.assertThat;

/** Parsl's lazyErrors, and its opposite: what one failing task does to the rest of its workflow. */
@SchedulerIntegrationTest
class ErrorPolicyTest extends WorkflowApiTestBase {

    @Test
    void lazyErrorsFailTheDependentsOfAFailedTaskWhileAnIndependentBranchSucceeds() {
        SubmissionView submitted = api.submit("""
                name: lazy-errors
                settings: {errorPolicy: lazy}
                apps:
                  broken: {type: bash, command: "echo 'disk on fire' >&2; exit 3"}
                  echo: {type: java, function: echo}
                tasks:
                  - {id: broken, app: broken}
                  - {id: needs-broken, app: echo, args: {value: "${broken.result}"}}
                  - {id: needs-needs-broken, app: echo, args: {value: "${needs-broken.result}"}}
                  - {id: independent, app: echo, args: {value: 42}}
                  - {id: after-independent, app: echo, args: {value: "${independent.result}"}}
                """);

        WorkflowView done = api.awaitFinished(submitted.id());

        assertThat(done.status()).isEqualTo("FAILED");
        assertThat(task(done, "broken").state()).isEqualTo("FAILED");
        assertThat(task(done, "broken").error()).contains("exit code 3");
        assertThat(task(done, "needs-broken").state()).isEqualTo("DEPENDENCY_FAILED");
        assertThat(task(done, "needs-broken").error()).contains("'broken'");
        assertThat(task(done, "needs-needs-broken").state()).isEqualTo("DEPENDENCY_FAILED");
        assertThat(task(done, "needs-needs-broken").error()).as("names the task that failed, not the one in between").contains("'broken'");
        assertThat(task(done, "needs-broken").attempts()).as("never ran").isEmpty();
        assertThat(task(done, "independent").state()).isEqualTo("SUCCEEDED");
        assertThat(resultOf(done, "after-independent")).isEqualTo(42);
        assertThat(task(done, "broken").attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.status()).isEqualTo("FAILED");
            assertThat(attempt.exitCode()).isEqualTo(3);
            assertThat(attempt.stderrTail()).contains("disk on fire");
            assertThat(attempt.error()).contains("exit code 3");
        });
        assertThat(done.taskCounts()).containsEntry("SUCCEEDED", 2).containsEntry("FAILED", 1).containsEntry("DEPENDENCY_FAILED", 2);
    }

    @Test
    void failFastCancelsEverythingStillUnfinishedAtTheFirstFailure() {
        SubmissionView submitted = api.submit("""
                name: fail-fast
                settings: {errorPolicy: fail-fast}
                apps:
                  broken: {type: bash, command: "sleep 1; exit 3"}
                  slow: {type: bash, command: "sleep 8"}
                  echo: {type: java, function: echo}
                tasks:
                  - {id: slow, app: slow}
                  - {id: after-slow, app: echo, args: {value: 1}, after: [slow]}
                  - {id: broken, app: broken}
                """);
        api.awaitTask(submitted.id(), "slow", "RUNNING");

        WorkflowView done = api.awaitFinished(submitted.id());

        assertThat(done.status()).isEqualTo("FAILED");
        assertThat(task(done, "broken").state()).isEqualTo("FAILED");
        assertThat(task(done, "slow").state()).as("cancelled while it ran, not left to finish").isEqualTo("CANCELLED");
        assertThat(task(done, "slow").error()).contains("'broken'");
        assertThat(task(done, "slow").attempts()).extracting("status").containsExactly("CANCELLED");
        assertThat(task(done, "after-slow").state()).isEqualTo("CANCELLED");
        assertThat(task(done, "after-slow").attempts()).isEmpty();
    }
}
