package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static dev.trellis.scheduler.workflow.WorkflowApi.WORKFLOWS;
import static dev.trellis.scheduler.workflow.WorkflowApi.problem;
import static dev.trellis.scheduler.workflow.WorkflowApi.resultOf;
import static dev.trellis.scheduler.workflow.WorkflowApi.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Workflows that grow while they run (Parsl's futures created on the fly), and workflows stopped on request. */
@SchedulerIntegrationTest
class DynamicWorkflowTest extends WorkflowApiTestBase {

    private static final String OPEN_WORKFLOW = """
            name: %s
            apps:
              echo: {type: java, function: echo}
              double:
                type: python
                source: |
                  def double(x):
                      return 2 * x
            tasks:
              - {id: first, app: echo, args: {value: 21}}
            """;

    @Test
    void anOpenWorkflowRunsAddedTasksAndFinishesOnlyOnceSealed() {
        SubmissionView submitted = api.submitOpen(OPEN_WORKFLOW.formatted("grown-on-the-fly"));
        String path = WORKFLOWS + "/" + submitted.id();
        api.awaitTask(submitted.id(), "first", "SUCCEEDED");

        HttpResponse<String> added = api.post(path + "/tasks", """
                - {id: second, app: double, args: {x: "${first.result}"}}
                - {id: "third-{i}", app: echo, count: 2, args: {value: "${second.result}"}}
                """);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(202);
        assertThat(added.body()).contains("\"added\":3");
        api.awaitView(submitted.id(), "every added task to succeed", view -> view.taskCounts().get("SUCCEEDED") == 4);
        WorkflowView beforeSealing = api.awaitFinishedOrNot(submitted.id(), "1s");

        assertThat(beforeSealing.status()).as("all its tasks are done, but more may come").isEqualTo("RUNNING");
        assertThat(beforeSealing.sealed()).isFalse();
        assertThat(beforeSealing.taskCount()).isEqualTo(4);

        assertThat(api.http().post(path + "/seal", "application/json", "").statusCode()).isEqualTo(202);
        WorkflowView done = api.awaitFinished(submitted.id());

        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(done.sealed()).isTrue();
        assertThat(resultOf(done, "second")).isEqualTo(42);
        assertThat(resultOf(done, "third-0")).isEqualTo(42);
        assertThat(resultOf(done, "third-1")).isEqualTo(42);
        assertThat(problem(api.post(path + "/tasks", "- {id: late, app: echo, args: {value: 0}}"), 409))
                .containsEntry("type", "https://trellis.dev/problems/workflow-closed");
    }

    @Test
    void aRejectedAdditionAddsNothingAndTheWorkflowGoesOn() {
        SubmissionView submitted = api.submitOpen(OPEN_WORKFLOW.formatted("rejected-addition"));
        String path = WORKFLOWS + "/" + submitted.id();

        Map<String, Object> problem = problem(api.post(path + "/tasks", """
                - {id: fine, app: double, args: {x: "${first.result}"}}
                - {id: broken, app: double, args: {x: "${ghost.result}"}}
                - {id: first, app: echo, args: {value: 1}}
                """), 400);

        assertThat(problem).containsEntry("type", "https://trellis.dev/problems/invalid-workflow").containsEntry("instance", path + "/tasks");
        assertThat(problem.get("errors")).asInstanceOf(InstanceOfAssertFactories.LIST).extracting("path", "code").containsExactly(
                tuple("$.tasks[2].id", "duplicate-task-id"),
                tuple("$.tasks[1].args.x", "unknown-task-reference"));
        assertThat(api.get(submitted.id()).tasks()).extracting("id").containsExactly("first");

        assertThat(api.post(path + "/tasks", "- {id: fine, app: double, args: {x: \"${first.result}\"}}").statusCode()).isEqualTo(202);
        api.http().post(path + "/seal", "application/json", "");
        WorkflowView done = api.awaitFinished(submitted.id());

        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(done.taskCount()).isEqualTo(2);
        assertThat(resultOf(done, "fine")).isEqualTo(42);
    }

    @Test
    void cancellingARunningWorkflowCancelsItsUnfinishedTasks() {
        SubmissionView submitted = api.submit("""
                name: cancelled
                apps:
                  sleep: {type: bash, command: "sleep 8"}
                  echo: {type: java, function: echo}
                tasks:
                  - {id: quick, app: echo, args: {value: 1}}
                  - {id: long-sleep, app: sleep}
                  - {id: after-sleep, app: echo, args: {value: 2}, after: [long-sleep]}
                """);
        String path = WORKFLOWS + "/" + submitted.id();
        api.awaitTask(submitted.id(), "long-sleep", "RUNNING");
        api.awaitTask(submitted.id(), "quick", "SUCCEEDED");

        HttpResponse<String> cancel = api.http().post(path + "/cancel", "application/json", "");
        WorkflowView done = api.awaitFinished(submitted.id());

        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        assertThat(done.status()).isEqualTo("CANCELLED");
        assertThat(done.finishedAtMillis()).isNotNull();
        assertThat(task(done, "long-sleep").state()).isEqualTo("CANCELLED");
        assertThat(task(done, "long-sleep").error()).contains("cancelled");
        assertThat(task(done, "long-sleep").attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.status()).as("the abandoned attempt does not show as running forever").isEqualTo("CANCELLED");
            assertThat(attempt.startedAtMillis()).isNotNull();
            assertThat(attempt.finishedAtMillis()).isNotNull();
        });
        assertThat(task(done, "after-sleep").state()).isEqualTo("CANCELLED");
        assertThat(task(done, "quick").state()).as("what finished before stays finished").isEqualTo("SUCCEEDED");
        assertThat(api.listByName("cancelled")).extracting("status").contains("CANCELLED");
        assertThat(problem(api.http().post(path + "/cancel", "application/json", ""), 409)).containsEntry("instance", path + "/cancel");
    }

    @Test
    void cancellingAWorkflowStopsItsRunningTasksSoTheNextWorkflowGetsTheirSlotsAtOnce() {
        SubmissionView sleepers = api.submit("""
                name: cancelled-sleepers
                apps:
                  sleep: {type: bash, sites: [pilot], command: "sleep 600"}
                tasks:
                  - {id: "sleep-{i}", app: sleep, count: 2}
                """);
        api.awaitTask(sleepers.id(), "sleep-0", "RUNNING");
        api.awaitTask(sleepers.id(), "sleep-1", "RUNNING"); // both slots of pilot's only block

        assertThat(api.http().post(WORKFLOWS + "/" + sleepers.id() + "/cancel", "application/json", "").statusCode()).isEqualTo(202);
        api.awaitFinished(sleepers.id());
        SubmissionView next = api.submit("""
                name: after-the-sleepers
                apps:
                  hello: {type: bash, sites: [pilot], command: "echo hello"}
                tasks:
                  - {id: hello, app: hello}
                """);
        WorkflowView done = api.awaitFinishedOrNot(next.id(), "20s");

        assertThat(done.status()).as("ran on a freed slot, not after a sleep 600").isEqualTo("SUCCEEDED");
        WorkflowView cancelled = api.get(sleepers.id());
        assertThat(cancelled.status()).isEqualTo("CANCELLED");
        assertThat(cancelled.tasks()).hasSize(2).allSatisfy(task -> {
            assertThat(task.state()).isEqualTo("CANCELLED");
            assertThat(task.attempts()).extracting("status").as("after the block's report of the kill").containsExactly("CANCELLED");
        });
    }

    @Test
    void cancellingOneTaskCancelsItAndItsDependentsWhileTheRestFinishes() {
        SubmissionView submitted = api.submit("""
                name: one-task-cancelled
                apps:
                  sleep: {type: java, function: sleep}
                  echo: {type: java, function: echo}
                tasks:
                  - {id: long-sleep, app: sleep, args: {millis: 8000}}
                  - {id: after-sleep, app: echo, args: {value: "${long-sleep.result}"}}
                  - {id: other, app: sleep, args: {millis: 2000}} # runs on when the stopped attempt reports
                """);
        String path = WORKFLOWS + "/" + submitted.id();
        api.awaitTask(submitted.id(), "long-sleep", "RUNNING");
        Map<String, Object> unknownTask = problem(api.http().post(path + "/tasks/nope/cancel", "application/json", ""), 404);

        HttpResponse<String> cancel = api.http().post(path + "/tasks/long-sleep/cancel", "application/json", "");
        WorkflowView done = api.awaitFinished(submitted.id());

        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        assertThat(task(done, "long-sleep").state()).isEqualTo("CANCELLED");
        assertThat(task(done, "long-sleep").attempts()).extracting("status").as("not the block's FAILED").containsExactly("CANCELLED");
        assertThat(task(done, "after-sleep").state()).isEqualTo("CANCELLED");
        assertThat(task(done, "after-sleep").error()).contains("'long-sleep'");
        assertThat(task(done, "other").state()).isEqualTo("SUCCEEDED");
        assertThat(done.status()).isEqualTo("CANCELLED");
        assertThat((String) unknownTask.get("detail")).contains("nope");
    }
}
