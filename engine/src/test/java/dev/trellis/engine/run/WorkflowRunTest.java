package dev.trellis.engine.run;

import dev.trellis.engine.plan.PlannedTask;
import dev.trellis.engine.plan.WorkflowPlan;
import dev.trellis.engine.plan.WorkflowPlanner;
import dev.trellis.engine.run.Step.Attempt;
import dev.trellis.engine.run.Step.RetryScheduled;
import dev.trellis.engine.run.Step.StateChange;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.TaskSpec;
import dev.trellis.protocol.spec.WorkflowSpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.trellis.engine.Workflows.SITES;
import static dev.trellis.engine.Workflows.aWorkflow;
import static dev.trellis.engine.Workflows.diamond;
import static dev.trellis.engine.Workflows.fanOutFanIn;
import static dev.trellis.engine.Workflows.multiSiteExample;
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
import static org.assertj.core.api.Assertions.tuple;

class WorkflowRunTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final AppSpec STEP = AppSpec.java("step", "1");

    private final WorkflowPlanner planner = new WorkflowPlanner(SITES);

    private WorkflowPlan planOf(WorkflowSpec spec) {
        return planner.plan(spec);
    }

    private WorkflowRun aStartedRunOf(WorkflowSpec spec) {
        WorkflowRun run = WorkflowRun.sealed(planOf(spec));
        run.start(T0);
        return run;
    }

    /** Dispatches the task's current attempt, starts it and reports success. */
    private static Step succeed(WorkflowRun run, String taskId, Object result) {
        int attempt = run.attempt(taskId);
        run.onDispatched(taskId, attempt, T0);
        run.onStarted(taskId, attempt, T0);
        return run.onSucceeded(taskId, attempt, result, T0);
    }

    private static Step fail(WorkflowRun run, String taskId, String error, Instant now) {
        int attempt = run.attempt(taskId);
        run.onDispatched(taskId, attempt, now);
        return run.onFailed(taskId, attempt, error, now);
    }

    private static List<String> dispatchedIds(Step step) {
        return step.dispatch().stream().map(Attempt::taskId).toList();
    }

    @Nested
    class HappyPath {

        @Test
        void multiSiteExampleRunsGenerateThenConcatThenTotalToSuccess() {
            WorkflowRun run = WorkflowRun.sealed(planOf(multiSiteExample()));

            Step start = run.start(T0);

            assertThat(start.dispatch()).containsExactly(
                    new Attempt("generate-0", 1), new Attempt("generate-1", 1), new Attempt("generate-2", 1),
                    new Attempt("generate-3", 1), new Attempt("generate-4", 1));
            assertThat(start.changes()).allSatisfy(change -> {
                assertThat(change.from()).isEqualTo(WAITING);
                assertThat(change.to()).isEqualTo(READY);
                assertThat(change.reason()).isEqualTo("no dependencies");
            });
            for (int i = 0; i < 4; i++) {
                assertThat(succeed(run, "generate-" + i, 0).dispatch()).isEmpty();
            }
            assertThat(dispatchedIds(succeed(run, "generate-4", 0))).containsExactly("concat");
            assertThat(run.resolvedInputs("concat"))
                    .containsExactly("random-0.txt", "random-1.txt", "random-2.txt", "random-3.txt", "random-4.txt");

            assertThat(dispatchedIds(succeed(run, "concat", 0))).containsExactly("total");
            assertThat(run.resolvedInputs("total")).containsExactly("all.txt");

            Step last = succeed(run, "total", 81_234);
            assertThat(last.finished()).contains(WorkflowStatus.SUCCEEDED);
            assertThat(run.status()).isEqualTo(WorkflowStatus.SUCCEEDED);
            assertThat(run.result("total")).isEqualTo(81_234);
            assertThat(run.count(SUCCEEDED)).isEqualTo(7);
        }

        @Test
        void theDiamondJoinWaitsForBothBranchesAndReceivesTheirResults() {
            WorkflowRun run = aStartedRunOf(diamond());

            assertThat(dispatchedIds(succeed(run, "a", 1))).containsExactly("b", "c");
            assertThat(run.resolvedArgs("b")).isEqualTo(Map.of("x", 1));
            assertThat(succeed(run, "b", 2).dispatch()).isEmpty();
            assertThat(run.state("d")).isEqualTo(WAITING);
            assertThat(dispatchedIds(succeed(run, "c", 3))).containsExactly("d");

            assertThat(run.resolvedArgs("d")).isEqualTo(Map.of("left", 2, "right", 3));
        }

        @Test
        void aGlobbedResultArgResolvesToTheListOfResultsInTaskOrder() {
            WorkflowRun run = aStartedRunOf(aWorkflow().app("f", STEP)
                    .task(TaskSpec.of("part-{i}", "f").withCount(3))
                    .task(TaskSpec.of("sum", "f").withArgs(Map.of("parts", "${part-*.result}")))
                    .build());

            succeed(run, "part-2", 30);
            succeed(run, "part-0", null);
            succeed(run, "part-1", 10);

            assertThat(run.resolvedArgs("sum")).containsEntry("parts", Arrays.asList(null, 10, 30));
        }

        @Test
        void eachMoveIsReportedFromAndToWithItsReason() {
            WorkflowRun run = aStartedRunOf(diamond());

            assertThat(run.onDispatched("a", 1, T0).changes()).containsExactly(new StateChange("a", READY, QUEUED, "attempt 1 sent to a site"));
            assertThat(run.onStarted("a", 1, T0).changes()).containsExactly(new StateChange("a", QUEUED, RUNNING, "attempt 1 started"));
            assertThat(run.onSucceeded("a", 1, "r", T0).changes()).containsExactly(
                    new StateChange("a", RUNNING, SUCCEEDED, "attempt 1 succeeded"),
                    new StateChange("b", WAITING, READY, "dependencies succeeded"),
                    new StateChange("c", WAITING, READY, "dependencies succeeded"));
        }

        @Test
        void aWorkerMayReportTheOutcomeWithoutAStartedEvent() {
            WorkflowRun run = aStartedRunOf(diamond());
            run.onDispatched("a", 1, T0);

            assertThat(run.onSucceeded("a", 1, 1, T0).changes()).first().isEqualTo(new StateChange("a", QUEUED, SUCCEEDED, "attempt 1 succeeded"));
        }

        @Test
        void aCachedResultReleasesDependentsLikeASuccess() {
            WorkflowRun run = aStartedRunOf(diamond());

            Step step = run.onCached("a", 7, T0);

            assertThat(step.changes()).first().isEqualTo(new StateChange("a", READY, CACHED, "result taken from the memo cache"));
            assertThat(dispatchedIds(step)).containsExactly("b", "c");
            assertThat(run.resolvedArgs("c")).isEqualTo(Map.of("x", 7));
        }

        @Test
        void anEmptySealedWorkflowSucceedsAsSoonAsItStarts() {
            WorkflowRun run = WorkflowRun.sealed(planOf(aWorkflow().build()));

            assertThat(run.start(T0).finished()).contains(WorkflowStatus.SUCCEEDED);
        }

        @Test
        void aHundredThousandTaskFanOutFanInRunsToSuccess() {
            int width = 100_000;
            WorkflowRun run = WorkflowRun.sealed(planOf(fanOutFanIn(width)));
            run.start(T0);

            Step fanOut = succeed(run, "source", "ok");
            assertThat(fanOut.dispatch()).hasSize(width);
            for (int i = 0; i < width - 1; i++) {
                succeed(run, "work-" + i, i);
            }
            assertThat(run.state("sink")).isEqualTo(WAITING);
            assertThat(dispatchedIds(succeed(run, "work-" + (width - 1), 0))).containsExactly("sink");
            assertThat(run.resolvedInputs("sink")).hasSize(width).startsWith("work/0.txt").endsWith("work/99999.txt");

            assertThat(succeed(run, "sink", "done").finished()).contains(WorkflowStatus.SUCCEEDED);
            assertThat(run.count(SUCCEEDED)).isEqualTo(width + 2);
        }
    }

    @Nested
    class Continuations {

        @Test
        void aChainLinkFollowsItsOnlyUpstreamUntilItHasRun() {
            WorkflowRun run = aStartedRunOf(aWorkflow().app("f", STEP)
                    .task(TaskSpec.of("a", "f"))
                    .task(TaskSpec.of("b", "f").withArgs(Map.of("in", "${a.result}")))
                    .task(TaskSpec.of("c", "f").withAfter("b"))
                    .build());

            assertThat(run.continuationOf("a")).contains("b");
            assertThat(run.continuationOf("b")).contains("c");
            assertThat(run.continuationOf("c")).as("nothing depends on it").isEmpty();

            succeed(run, "a", 1);
            assertThat(run.continuationOf("a")).as("b is ready now, no longer waiting").isEmpty();
        }

        @Test
        void aTaskWithSeveralDependentsOrADependentWithSeveralUpstreamsHasNone() {
            WorkflowRun run = aStartedRunOf(aWorkflow().app("f", STEP)
                    .task(TaskSpec.of("root", "f"))
                    .task(TaskSpec.of("left", "f").withAfter("root"))
                    .task(TaskSpec.of("right", "f").withAfter("root"))
                    .task(TaskSpec.of("other", "f"))
                    .task(TaskSpec.of("join", "f").withAfter("left", "other"))
                    .build());

            assertThat(run.continuationOf("root")).as("two dependents").isEmpty();
            assertThat(run.continuationOf("left")).as("join also waits for other").isEmpty();
            assertThat(run.continuationOf("right")).isEmpty();
        }

        @Test
        void aDependentThatAlreadyFailedOnceIsNoContinuation() {
            WorkflowRun run = WorkflowRun.recover(planOf(aWorkflow().app("f", STEP)
                    .task(TaskSpec.of("a", "f"))
                    .task(TaskSpec.of("b", "f").withAfter("a"))
                    .build()), List.of(new PersistedTask("a", RETRY_WAIT, 2, null, T0), new PersistedTask("b", WAITING, 2, null, null)), true);

            assertThat(run.continuationOf("a")).isEmpty();
        }
    }

    @Nested
    class ErrorPolicies {

        /** a -> b -> c, and x on its own. */
        private WorkflowSpec chainBesideAnIndependentTask(boolean failFast) {
            var workflow = aWorkflow().app("f", STEP)
                    .task(TaskSpec.of("a", "f"))
                    .task(TaskSpec.of("b", "f").withAfter("a"))
                    .task(TaskSpec.of("c", "f").withArgs(Map.of("in", "${b.result}")))
                    .task(TaskSpec.of("x", "f"));
            return failFast ? workflow.failFast().build() : workflow.build();
        }

        @Test
        void failedTaskMakesItsDependentsFailWithTheUpstreamNamed() {
            WorkflowRun run = aStartedRunOf(chainBesideAnIndependentTask(false));

            Step step = fail(run, "a", "exit code 1", T0);

            assertThat(step.changes()).containsExactly(
                    new StateChange("a", QUEUED, FAILED, "attempt 1 of 1 failed: exit code 1"),
                    new StateChange("b", WAITING, DEPENDENCY_FAILED, "upstream task 'a' failed"),
                    new StateChange("c", WAITING, DEPENDENCY_FAILED, "upstream task 'a' failed"));
            assertThat(step.finished()).as("the independent branch goes on").isEmpty();
            assertThat(run.state("x")).isEqualTo(READY);

            assertThat(succeed(run, "x", 1).finished()).contains(WorkflowStatus.FAILED);
        }

        @Test
        void failFastCancelsEveryUnfinishedTaskAndAbandonsAttemptsInFlight() {
            WorkflowSpec spec = aWorkflow().failFast().app("f", STEP)
                    .task(TaskSpec.of("a", "f"))
                    .task(TaskSpec.of("b", "f"))
                    .task(TaskSpec.of("c", "f"))
                    .task(TaskSpec.of("d", "f").withAfter("a"))
                    .task(TaskSpec.of("e", "f"))
                    .build();
            WorkflowRun run = aStartedRunOf(spec);
            run.onDispatched("b", 1, T0);
            run.onStarted("b", 1, T0);
            run.onDispatched("c", 1, T0);
            succeed(run, "e", 0);

            Step step = fail(run, "a", "boom", T0);

            assertThat(step.changes()).extracting(StateChange::taskId, StateChange::to).containsExactly(
                    tuple("a", FAILED),
                    tuple("b", CANCELLED),
                    tuple("c", CANCELLED),
                    tuple("d", CANCELLED));
            assertThat(step.changes().get(1).reason()).isEqualTo("workflow failed fast: task 'a' failed");
            assertThat(step.abandoned()).containsExactly(new Attempt("b", 1), new Attempt("c", 1));
            assertThat(step.finished()).contains(WorkflowStatus.FAILED);
            assertThat(run.state("e")).as("finished work stays finished").isEqualTo(SUCCEEDED);

            assertThat(run.onSucceeded("b", 1, "late", T0)).isEqualTo(Step.NOTHING);
        }

        @Test
        void lazyPolicyNamesTheTaskThatFailedEvenForTasksAddedLater() {
            WorkflowRun run = WorkflowRun.open(planOf(chainBesideAnIndependentTask(false)));
            run.start(T0);
            fail(run, "a", "boom", T0);
            WorkflowPlan addition = planner.planAdditional(run.plan(), List.of(TaskSpec.of("late", "f").withAfter("c")));

            Step step = run.addTasks(addition.tasks(), T0);

            assertThat(step.changes()).containsExactly(new StateChange("late", WAITING, DEPENDENCY_FAILED, "upstream task 'a' failed"));
        }
    }

    @Nested
    class Retries {

        private WorkflowRun aRunWithRetries(int retries, long backoffMs) {
            return aStartedRunOf(aWorkflow().retries(retries, backoffMs).app("f", STEP)
                    .task(TaskSpec.of("flaky", "f"))
                    .task(TaskSpec.of("after", "f").withAfter("flaky"))
                    .build());
        }

        @Test
        void aFailedAttemptWithRetriesLeftWaitsForItsBackoffThenRunsAsTheNextAttempt() {
            WorkflowRun run = aRunWithRetries(2, 1000);

            Step failure = fail(run, "flaky", "timeout", T0);

            assertThat(failure.changes()).containsExactly(new StateChange("flaky", QUEUED, RETRY_WAIT, "attempt 1 of 3 failed: timeout"));
            assertThat(failure.retries()).containsExactly(new RetryScheduled("flaky", 2, T0.plusSeconds(1)));
            assertThat(failure.dispatch()).isEmpty();
            assertThat(run.nextRetryAt()).contains(T0.plusSeconds(1));
            assertThat(run.tick(T0.plusMillis(999))).isEqualTo(Step.NOTHING);

            Step due = run.tick(T0.plusSeconds(1));

            assertThat(due.changes()).containsExactly(new StateChange("flaky", RETRY_WAIT, READY, "retry back-off elapsed"));
            assertThat(due.dispatch()).containsExactly(new Attempt("flaky", 2));
            assertThat(run.nextRetryAt()).isEmpty();
        }

        @Test
        void theBackoffDoublesWithEachFailedAttempt() {
            WorkflowRun run = aRunWithRetries(3, 1000);
            Instant firstRetry = T0.plusSeconds(1);
            Instant secondRetry = firstRetry.plusSeconds(2);

            fail(run, "flaky", "1", T0);
            run.tick(firstRetry);
            assertThat(fail(run, "flaky", "2", firstRetry).retries()).containsExactly(new RetryScheduled("flaky", 3, secondRetry));
            run.tick(secondRetry);
            assertThat(fail(run, "flaky", "3", secondRetry).retries())
                    .containsExactly(new RetryScheduled("flaky", 4, secondRetry.plusSeconds(4)));
        }

        @Test
        void theBackoffNeverExceedsADay() {
            WorkflowRun run = aRunWithRetries(40, 60_000);
            Instant now = T0;
            Duration lastBackoff = Duration.ZERO;
            for (int attempt = 1; attempt <= 20; attempt++) {
                Instant retryAt = fail(run, "flaky", "again", now).retries().get(0).at();
                lastBackoff = Duration.between(now, retryAt);
                now = retryAt;
                run.tick(now);
            }

            assertThat(lastBackoff).isEqualTo(Duration.ofDays(1));
        }

        @Test
        void retriesThenSuccessLetTheWorkflowSucceed() {
            WorkflowRun run = aRunWithRetries(2, 1000);
            fail(run, "flaky", "1", T0);
            run.tick(T0.plusSeconds(1));
            fail(run, "flaky", "2", T0.plusSeconds(1));
            run.tick(T0.plusSeconds(3));

            assertThat(run.attempt("flaky")).isEqualTo(3);
            assertThat(dispatchedIds(succeed(run, "flaky", "ok"))).containsExactly("after");
            assertThat(succeed(run, "after", "ok").finished()).contains(WorkflowStatus.SUCCEEDED);
        }

        @Test
        void theLastAllowedAttemptFailingFailsTheTask() {
            WorkflowRun run = aRunWithRetries(1, 1000);
            fail(run, "flaky", "first", T0);
            run.tick(T0.plusSeconds(1));

            Step step = fail(run, "flaky", "second", T0.plusSeconds(1));

            assertThat(step.changes().get(0)).isEqualTo(new StateChange("flaky", QUEUED, FAILED, "attempt 2 of 2 failed: second"));
            assertThat(step.retries()).isEmpty();
            assertThat(step.finished()).contains(WorkflowStatus.FAILED);
        }

        @Test
        void aZeroBackoffRetriesInTheSameStep() {
            WorkflowRun run = aRunWithRetries(1, 0);

            Step step = fail(run, "flaky", "once", T0);

            assertThat(step.changes()).extracting(StateChange::to).containsExactly(RETRY_WAIT, READY);
            assertThat(step.dispatch()).containsExactly(new Attempt("flaky", 2));
        }

        @Test
        void resultsOfAStaleAttemptAreIgnored() {
            WorkflowRun run = aRunWithRetries(1, 1000);
            fail(run, "flaky", "lost worker", T0);
            run.tick(T0.plusSeconds(1));
            run.onDispatched("flaky", 2, T0);

            assertThat(run.onSucceeded("flaky", 1, "late", T0)).isEqualTo(Step.NOTHING);
            assertThat(run.onFailed("flaky", 1, "late", T0)).isEqualTo(Step.NOTHING);
            assertThat(run.onStarted("flaky", 1, T0)).isEqualTo(Step.NOTHING);
            assertThat(run.state("flaky")).isEqualTo(QUEUED);
        }

        @Test
        void aRepeatedFailureOfTheSameAttemptIsIgnoredWhileTheRetryWaits() {
            WorkflowRun run = aRunWithRetries(1, 1000);
            fail(run, "flaky", "boom", T0);

            assertThat(run.onFailed("flaky", 1, "boom", T0)).isEqualTo(Step.NOTHING);
            assertThat(run.state("flaky")).isEqualTo(RETRY_WAIT);
        }
    }

    @Nested
    class LostAttempts {

        private WorkflowRun aRunningTaskWithRetries(int retries) {
            WorkflowRun run = aStartedRunOf(aWorkflow().retries(retries, 1000).app("f", STEP).task(TaskSpec.of("t", "f")).build());
            run.onDispatched("t", 1, T0);
            run.onStarted("t", 1, T0);
            return run;
        }

        @Test
        void aLostAttemptRunsAgainAtOnceWithoutUsingARetry() {
            WorkflowRun run = aRunningTaskWithRetries(0);

            Step step = run.onLost("t", 1, "worker lost", T0);

            assertThat(step.changes()).containsExactly(new StateChange("t", RUNNING, READY, "worker lost; attempt 2 follows"));
            assertThat(step.dispatch()).containsExactly(new Attempt("t", 2));
            run.onDispatched("t", 2, T0);
            assertThat(run.onFailed("t", 2, "real failure", T0).changes())
                    .containsExactly(new StateChange("t", QUEUED, FAILED, "attempt 2 of 2 failed: real failure"));
        }

        @Test
        void theBackoffAfterALossCountsOnlyRealFailures() {
            WorkflowRun run = aRunningTaskWithRetries(1);
            run.onLost("t", 1, "worker lost", T0);
            run.onDispatched("t", 2, T0);

            assertThat(run.onFailed("t", 2, "boom", T0).retries()).containsExactly(new RetryScheduled("t", 3, T0.plusSeconds(1)));
        }

        @Test
        void aTaskThatKeepsLosingItsWorkersEventuallyFails() {
            WorkflowRun run = aRunningTaskWithRetries(0);
            for (int attempt = 1; attempt <= WorkflowRun.FREE_LOSSES; attempt++) {
                run.onLost("t", attempt, "worker lost", T0);
                run.onDispatched("t", attempt + 1, T0);
            }

            Step step = run.onLost("t", WorkflowRun.FREE_LOSSES + 1, "worker lost", T0);

            assertThat(step.changes()).containsExactly(new StateChange("t", QUEUED, FAILED, "attempt 4 of 4 failed: worker lost (lost 4 times)"));
            assertThat(step.finished()).contains(WorkflowStatus.FAILED);
        }

        @Test
        void lossesOfStaleAttemptsOrOfTasksNotInFlightAreIgnored() {
            WorkflowRun run = aRunningTaskWithRetries(0);
            run.onLost("t", 1, "worker lost", T0);

            assertThat(run.onLost("t", 1, "again", T0)).as("stale attempt").isEqualTo(Step.NOTHING);
            assertThat(run.onLost("t", 2, "not sent yet", T0)).as("READY, not in flight").isEqualTo(Step.NOTHING);
        }

        @Test
        void lostAttemptsSurviveARestart() {
            WorkflowPlan plan = planOf(aWorkflow().app("f", STEP).task(TaskSpec.of("t", "f")).build());
            WorkflowRun run = WorkflowRun.recover(plan, List.of(new PersistedTask("t", RUNNING, 2, null, null, 1)), true);
            run.start(T0);

            assertThat(run.onFailed("t", 2, "boom", T0).changes().get(0).reason()).isEqualTo("attempt 2 of 2 failed: boom");
        }
    }

    @Nested
    class Idempotence {

        @Test
        void duplicateEventsForAFinishedTaskAreIgnored() {
            WorkflowRun run = aStartedRunOf(diamond());
            succeed(run, "a", 1);

            assertThat(run.onSucceeded("a", 1, 2, T0)).isEqualTo(Step.NOTHING);
            assertThat(run.onFailed("a", 1, "late", T0)).isEqualTo(Step.NOTHING);
            assertThat(run.onStarted("a", 1, T0)).isEqualTo(Step.NOTHING);
            assertThat(run.onDispatched("a", 1, T0)).isEqualTo(Step.NOTHING);
            assertThat(run.onCached("a", 3, T0)).isEqualTo(Step.NOTHING);
            assertThat(run.result("a")).isEqualTo(1);
        }

        @Test
        void duplicateDispatchAndStartEventsAreIgnored() {
            WorkflowRun run = aStartedRunOf(diamond());
            run.onDispatched("a", 1, T0);
            assertThat(run.onDispatched("a", 1, T0)).isEqualTo(Step.NOTHING);
            run.onStarted("a", 1, T0);
            assertThat(run.onStarted("a", 1, T0)).isEqualTo(Step.NOTHING);
            assertThat(run.onDispatched("a", 1, T0)).isEqualTo(Step.NOTHING);
        }

        @Test
        void aResultForATaskThatWasNeverDispatchedIsAnIllegalTransition() {
            WorkflowRun run = aStartedRunOf(diamond());

            assertThatThrownBy(() -> run.onSucceeded("a", 1, 1, T0))
                    .isInstanceOfSatisfying(IllegalTaskTransitionException.class, e -> {
                        assertThat(e.from()).isEqualTo(READY);
                        assertThat(e.to()).isEqualTo(SUCCEEDED);
                    });
            assertThatThrownBy(() -> run.onDispatched("d", 1, T0)).isInstanceOf(IllegalTaskTransitionException.class);
        }

        @Test
        void eventsForUnknownTasksAreRejected() {
            WorkflowRun run = aStartedRunOf(diamond());

            assertThatThrownBy(() -> run.onSucceeded("nope", 1, 1, T0))
                    .isInstanceOf(UnknownTaskException.class)
                    .hasMessage("the workflow has no task 'nope'");
        }

        @Test
        void eventsBeforeStartAndASecondStartAreRefused() {
            WorkflowRun run = WorkflowRun.sealed(planOf(diamond()));

            assertThatThrownBy(() -> run.onDispatched("a", 1, T0)).isInstanceOf(IllegalStateException.class);
            run.start(T0);
            assertThatThrownBy(() -> run.start(T0)).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void argsCannotBeResolvedBeforeTheirUpstreamSucceeded() {
            WorkflowRun run = aStartedRunOf(diamond());

            assertThatThrownBy(() -> run.resolvedArgs("b"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("task 'a' has no result: it is READY");
        }
    }

    @Nested
    class Cancellation {

        @Test
        void cancellingTheWorkflowCancelsUnfinishedTasksAndAbandonsAttemptsInFlight() {
            WorkflowRun run = aStartedRunOf(multiSiteExample());
            succeed(run, "generate-0", 1);
            run.onDispatched("generate-1", 1, T0);

            Step step = run.cancel(T0);

            assertThat(step.changes()).hasSize(6).allSatisfy(change -> assertThat(change.to()).isEqualTo(CANCELLED));
            assertThat(step.abandoned()).containsExactly(new Attempt("generate-1", 1));
            assertThat(step.finished()).contains(WorkflowStatus.CANCELLED);
            assertThat(run.state("generate-0")).isEqualTo(SUCCEEDED);
            assertThat(run.cancel(T0)).isEqualTo(Step.NOTHING);
        }

        @Test
        void cancellingATaskCancelsWhatIsDownstreamOfItButNotOtherBranches() {
            WorkflowRun run = aStartedRunOf(diamond());
            succeed(run, "a", 1);

            Step step = run.cancelTask("b", T0);

            assertThat(step.changes()).containsExactly(
                    new StateChange("b", READY, CANCELLED, "cancelled on request"),
                    new StateChange("d", WAITING, CANCELLED, "upstream task 'b' was cancelled"));
            assertThat(run.state("c")).isEqualTo(READY);
            assertThat(succeed(run, "c", 2).finished()).contains(WorkflowStatus.CANCELLED);
        }

        @Test
        void cancellingAFinishedTaskDoesNothing() {
            WorkflowRun run = aStartedRunOf(diamond());
            succeed(run, "a", 1);

            assertThat(run.cancelTask("a", T0)).isEqualTo(Step.NOTHING);
        }
    }

    @Nested
    class DynamicWorkflows {

        @Test
        void anOpenRunDoesNotFinishUntilItIsSealed() {
            WorkflowRun run = WorkflowRun.open(planOf(diamond()));
            run.start(T0);
            succeed(run, "a", 1);
            succeed(run, "b", 2);

            assertThat(succeed(run, "c", 3).dispatch()).containsExactly(new Attempt("d", 1));
            assertThat(succeed(run, "d", 4).finished()).isEmpty();
            assertThat(run.status()).isEqualTo(WorkflowStatus.RUNNING);

            assertThat(run.seal().finished()).contains(WorkflowStatus.SUCCEEDED);
            assertThat(run.seal()).isEqualTo(Step.NOTHING);
        }

        @Test
        void addedTasksWhoseDependenciesSucceededAreDispatchedAtOnce() {
            WorkflowRun run = WorkflowRun.open(planOf(multiSiteExample()));
            run.start(T0);
            succeed(run, "generate-0", 0);
            WorkflowPlan addition = planner.planAdditional(run.plan(), List.of(
                    TaskSpec.of("check", "concat").withInputs("${generate-0.outputs[0]}").withOutputs("check.txt"),
                    TaskSpec.of("report", "total").withInputs("${check.outputs[0]}", "${concat.outputs[0]}")));

            Step step = run.addTasks(addition.tasks(), T0);

            assertThat(step.dispatch()).containsExactly(new Attempt("check", 1));
            assertThat(run.state("report")).isEqualTo(WAITING);
            assertThat(run.plan().size()).isEqualTo(9);
            assertThat(run.resolvedInputs("check")).containsExactly("random-0.txt");
        }

        @Test
        void tasksAddedBeforeStartAreDispatchedByStart() {
            WorkflowRun run = WorkflowRun.open(planOf(diamond()));
            WorkflowPlan addition = planner.planAdditional(run.plan(), List.of(TaskSpec.of("extra", "step")));

            assertThat(run.addTasks(addition.tasks(), T0)).isEqualTo(Step.NOTHING);
            assertThat(dispatchedIds(run.start(T0))).containsExactly("a", "extra");
        }

        @Test
        void tasksCannotBeAddedToASealedOrFinishedRun() {
            WorkflowRun sealed = aStartedRunOf(diamond());
            List<PlannedTask> extra = planner.planAdditional(sealed.plan(), List.of(TaskSpec.of("extra", "step"))).tasks();

            assertThatThrownBy(() -> sealed.addTasks(extra, T0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("sealed");

            WorkflowRun cancelled = WorkflowRun.open(planOf(diamond()));
            cancelled.cancel(T0);
            assertThatThrownBy(() -> cancelled.addTasks(extra, T0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("CANCELLED");
        }

        @Test
        void addingATaskTwiceIsRefused() {
            WorkflowRun run = WorkflowRun.open(planOf(diamond()));
            List<PlannedTask> extra = planner.planAdditional(run.plan(), List.of(TaskSpec.of("extra", "step"))).tasks();
            run.addTasks(extra, T0);

            assertThatThrownBy(() -> run.addTasks(extra, T0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'extra'");
        }
    }

    @Nested
    class Recovery {

        private final WorkflowPlan diamond = planOf(diamond());

        @Test
        void aRecoveredRunRedispatchesReadyTasksAndKeepsResultsForArgs() {
            WorkflowRun run = WorkflowRun.recover(diamond, List.of(
                    new PersistedTask("a", SUCCEEDED, 1, 5, null),
                    new PersistedTask("b", READY, 2, null, null),
                    new PersistedTask("c", RUNNING, 1, null, null)), true);

            Step step = run.start(T0);

            assertThat(step.dispatch()).containsExactly(new Attempt("b", 2));
            assertThat(step.changes()).as("nothing moved; b was already READY").isEmpty();
            assertThat(run.resolvedArgs("b")).isEqualTo(Map.of("x", 5));
            assertThat(run.state("c")).isEqualTo(RUNNING);

            succeed(run, "b", 6);
            assertThat(dispatchedIds(run.onSucceeded("c", 1, 7, T0))).containsExactly("d");
        }

        @Test
        void aTaskWhoseDependenciesSucceededBeforeTheRestartBecomesReady() {
            WorkflowRun run = WorkflowRun.recover(diamond, List.of(
                    new PersistedTask("a", SUCCEEDED, 1, 1, null),
                    new PersistedTask("b", SUCCEEDED, 1, 2, null),
                    new PersistedTask("c", CACHED, 1, 3, null),
                    new PersistedTask("d", WAITING, 1, null, null)), true);

            assertThat(run.start(T0).changes()).containsExactly(new StateChange("d", WAITING, READY, "dependencies succeeded"));
        }

        @Test
        void aRecoveredRetryIsDueAtItsPersistedTime() {
            WorkflowRun run = WorkflowRun.recover(diamond, List.of(
                    new PersistedTask("a", RETRY_WAIT, 2, null, T0.plusSeconds(5))), true);

            assertThat(run.start(T0).dispatch()).isEmpty();
            assertThat(run.nextRetryAt()).contains(T0.plusSeconds(5));
            assertThat(run.tick(T0.plusSeconds(5)).dispatch()).containsExactly(new Attempt("a", 2));
        }

        @Test
        void aFailureWhoseDependentsWereNotYetStoppedIsAppliedAgain() {
            WorkflowRun run = WorkflowRun.recover(diamond, List.of(
                    new PersistedTask("a", FAILED, 1, null, null)), true);

            Step step = run.start(T0);

            assertThat(step.changes()).extracting(StateChange::taskId).containsExactly("b", "c", "d");
            assertThat(step.changes()).allSatisfy(change -> assertThat(change.reason()).isEqualTo("upstream task 'a' failed"));
            assertThat(step.finished()).contains(WorkflowStatus.FAILED);
        }

        @Test
        void aRecoveredRunWhoseTasksAllFinishedFinishesOnStart() {
            WorkflowRun run = WorkflowRun.recover(diamond, IntStream.range(0, 4)
                    .mapToObj(i -> new PersistedTask(String.valueOf((char) ('a' + i)), SUCCEEDED, 1, i, null))
                    .toList(), true);

            assertThat(run.start(T0).finished()).contains(WorkflowStatus.SUCCEEDED);
        }

        @Test
        void persistedStateOfAnUnknownTaskIsRejected() {
            assertThatThrownBy(() -> WorkflowRun.recover(diamond, List.of(new PersistedTask("zz", WAITING, 1, null, null)), true))
                    .isInstanceOf(UnknownTaskException.class);
        }
    }
}
