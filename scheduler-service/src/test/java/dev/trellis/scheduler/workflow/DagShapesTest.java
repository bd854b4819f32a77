package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import org.junit.jupiter.api.Test;

import static dev.trellis.scheduler.workflow.WorkflowApi.resultOf;
import static org.assertj.core.api.Assertions.assertThat;

/** Results flowing along the edges of the shapes real workflows have. */
@SchedulerIntegrationTest
class DagShapesTest extends WorkflowApiTestBase {

    @Test
    void aDiamondJoinsTheResultsOfBothBranches() {
        SubmissionView submitted = api.submit("""
                name: diamond
                apps:
                  seed: {type: java, function: echo}
                  double:
                    type: python
                    source: |
                      def double(x):
                          return 2 * x
                  square:
                    type: python
                    sites: [pilot]
                    source: |
                      def square(x):
                          return x * x
                  add:
                    type: python
                    source: |
                      def add(left, right):
                          return left + right
                tasks:
                  - {id: a, app: seed, args: {value: 3}}
                  - {id: b, app: double, args: {x: "${a.result}"}}
                  - {id: c, app: square, args: {x: "${a.result}"}}
                  - {id: d, app: add, args: {left: "${b.result}", right: "${c.result}"}}
                """);

        WorkflowView done = api.awaitFinished(submitted.id());

        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(resultOf(done, "b")).isEqualTo(6);
        assertThat(resultOf(done, "c")).isEqualTo(9);
        assertThat(resultOf(done, "d")).isEqualTo(15);
    }

    @Test
    void aThousandTaskFanOutIsSummedByOneFanInTask() {
        SubmissionView submitted = api.submit("""
                name: fan-out-fan-in
                apps:
                  echo: {type: java, function: echo}
                  sum: {type: java, function: sum}
                tasks:
                  - {id: "echo-{i}", app: echo, count: 1000, args: {value: "{i}"}}
                  - {id: total, app: sum, args: {values: "${echo-*.result}"}}
                """);
        assertThat(submitted.taskCount()).isEqualTo(1001);

        WorkflowView done = api.awaitFinished(submitted.id());

        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(done.taskCounts()).containsEntry("SUCCEEDED", 1001);
        assertThat(resultOf(done, "echo-0")).isZero();
        assertThat(resultOf(done, "echo-999")).isEqualTo(999);
        assertThat(resultOf(done, "total")).isEqualTo(999L * 1000 / 2);
    }
}
