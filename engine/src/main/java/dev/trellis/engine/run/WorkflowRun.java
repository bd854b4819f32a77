package dev.trellis.engine.run;

import dev.trellis.engine.plan.FileRef;
import dev.trellis.engine.plan.PlannedTask;
import dev.trellis.engine.plan.ResultReference;
import dev.trellis.engine.plan.WorkflowPlan;
import dev.trellis.protocol.spec.ErrorPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

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

/**
 * The data-flow kernel of one workflow: given events (dispatched, started, succeeded, failed,
 * lost, cached, time passing, cancel), it moves task states and answers with a {@link Step} saying what
 * the scheduler must do. It does no I/O and reads no clock: time comes in as {@code now}.
 *
 * <p>Events about an attempt that is no longer current, or about a task that already finished, are
 * ignored and answer {@link Step#NOTHING}, so redelivered messages are harmless. Work per event is
 * proportional to the edges it touches: each task counts its unfinished dependencies and knows its
 * dependents.
 *
 * <p>Not thread-safe: the scheduler applies one workflow's events one at a time.
 */
public final class WorkflowRun {

    /** Back-off doubles per failed attempt, up to this, so a long retry chain stays sane. */
    static final Duration MAX_RETRY_BACKOFF = Duration.ofDays(1);
    /** Attempts a task may lose with its worker before further losses count as failures. */
    static final int FREE_LOSSES = 3;

    private final ErrorPolicy errorPolicy;
    private final long retryBackoffMs;
    private final Map<String, TaskRun> tasks = new HashMap<>();
    private final List<TaskRun> inOrder = new ArrayList<>();
    private final int[] countByState = new int[TaskState.values().length];
    private final PriorityQueue<PendingRetry> retryQueue = new PriorityQueue<>(Comparator.comparing(PendingRetry::at));
    private WorkflowPlan plan;
    private int unfinished;
    private boolean sealed;
    private boolean started;
    private boolean cancelRequested;
    private boolean failedFast;
    private WorkflowStatus finishedAs;

    private record PendingRetry(Instant at, TaskRun task, int attempt) {
    }

    private WorkflowRun(WorkflowPlan plan, boolean sealed, Collection<PersistedTask> persisted) {
        this.plan = plan;
        this.sealed = sealed;
        this.errorPolicy = plan.settings().errorPolicy();
        this.retryBackoffMs = plan.settings().retryBackoffMs();
        Map<String, PersistedTask> persistedById = new HashMap<>();
        for (PersistedTask task : persisted) {
            if (!plan.contains(task.taskId())) {
                throw new UnknownTaskException(task.taskId());
            }
            persistedById.put(task.taskId(), task);
        }
        List<TaskRun> created = new ArrayList<>(plan.size());
        for (PlannedTask planned : plan.tasks()) {
            created.add(restore(planned, persistedById.get(planned.id())));
        }
        register(created);
    }

    private TaskRun restore(PlannedTask planned, PersistedTask persisted) {
        if (persisted == null) {
            return new TaskRun(planned, WAITING, 1);
        }
        TaskRun task = new TaskRun(planned, persisted.state(), persisted.attempt());
        task.result = persisted.result();
        task.lostAttempts = persisted.lostAttempts();
        if (persisted.state() == RETRY_WAIT) {
            Instant at = persisted.retryAt() != null ? persisted.retryAt() : Instant.MIN;
            retryQueue.add(new PendingRetry(at, task, task.attempt));
        }
        return task;
    }

    /** A run of a workflow submitted whole: it finishes when every task has finished. */
    public static WorkflowRun sealed(WorkflowPlan plan) {
        return new WorkflowRun(plan, true, List.of());
    }

    /** A run that tasks may be added to ({@link #addTasks}); it cannot finish before {@link #seal}. */
    public static WorkflowRun open(WorkflowPlan plan) {
        return new WorkflowRun(plan, false, List.of());
    }

    /**
     * Rebuilds a run after a scheduler restart. Tasks missing from {@code persisted} start as
     * WAITING. Call {@link #start} next: it re-dispatches READY tasks, readies tasks whose
     * dependencies all succeeded meanwhile and re-applies the error policy to failed tasks.
     * QUEUED and RUNNING attempts are left to the scheduler's lost-attempt recovery.
     *
     * @param plan the whole plan, dynamic additions included
     */
    public static WorkflowRun recover(WorkflowPlan plan, Collection<PersistedTask> persisted, boolean sealed) {
        return new WorkflowRun(plan, sealed, persisted);
    }

    // ----- events -------------------------------------------------------------------------------

    /** Readies every task without pending dependencies and dispatches them. */
    public Step start(Instant now) {
        if (started) {
            throw new IllegalStateException("the run has already started");
        }
        started = true;
        Step.Builder step = new Step.Builder();
        settleRecoveredEndings(step);
        for (TaskRun task : inOrder) {
            if (task.state() == READY) {
                step.dispatch(task.id(), task.attempt);
            } else {
                readyIfUnblocked(task, step);
            }
        }
        releaseDueRetries(now, step);
        checkFinished(step);
        return step.build();
    }

    /**
     * The task that can follow this one on its block as a continuation: its only dependent, when
     * that depends on nothing else and has not run yet. It becomes ready exactly when this task
     * succeeds, so running it right after, in the same slot, skips a round through the broker.
     */
    public Optional<String> continuationOf(String taskId) {
        TaskRun task = task(taskId);
        if (task.dependents.size() != 1) {
            return Optional.empty();
        }
        TaskRun dependent = task.dependents.get(0);
        return dependent.task.dependencies().size() == 1 && dependent.state() == WAITING && dependent.attempt == 1
                ? Optional.of(dependent.id()) : Optional.empty();
    }

    /**
     * The attempt was handed to a site. Call it before the task message can be consumed, so a
     * fast result never finds the task still READY.
     */
    public Step onDispatched(String taskId, int attempt, Instant now) {
        TaskRun task = startedTask(taskId);
        if (isStaleOrFinished(task, attempt) || task.state().isInFlight()) {
            return Step.NOTHING;
        }
        Step.Builder step = new Step.Builder();
        move(task, QUEUED, "attempt " + attempt + " sent to a site", step);
        return step.build();
    }

    public Step onStarted(String taskId, int attempt, Instant now) {
        TaskRun task = startedTask(taskId);
        if (isStaleOrFinished(task, attempt) || task.state() == RUNNING) {
            return Step.NOTHING;
        }
        Step.Builder step = new Step.Builder();
        move(task, RUNNING, "attempt " + attempt + " started", step);
        return step.build();
    }

    public Step onSucceeded(String taskId, int attempt, Object result, Instant now) {
        TaskRun task = startedTask(taskId);
        if (isStaleOrFinished(task, attempt)) {
            return Step.NOTHING;
        }
        Step.Builder step = new Step.Builder();
        move(task, SUCCEEDED, "attempt " + attempt + " succeeded", step);
        task.result = result;
        releaseDependents(task, step);
        checkFinished(step);
        return step.build();
    }

    /** Schedules a retry while attempts are left, else fails the task and applies the error policy. */
    public Step onFailed(String taskId, int attempt, String error, Instant now) {
        TaskRun task = startedTask(taskId);
        if (isStaleOrFinished(task, attempt)) {
            return Step.NOTHING;
        }
        Step.Builder step = new Step.Builder();
        failAttempt(task, error, now, step);
        checkFinished(step);
        return step.build();
    }

    /**
     * The attempt's worker died or went silent. The task runs again at once as the next attempt;
     * a lost attempt does not use up a retry, since the app itself did not fail. A task that keeps
     * losing its workers is probably what kills them, so losses beyond {@link #FREE_LOSSES} count
     * as failures.
     */
    public Step onLost(String taskId, int attempt, String reason, Instant now) {
        TaskRun task = startedTask(taskId);
        if (isStaleOrFinished(task, attempt) || !task.state().isInFlight()) {
            return Step.NOTHING;
        }
        Step.Builder step = new Step.Builder();
        if (task.lostAttempts >= FREE_LOSSES) {
            failAttempt(task, reason + " (lost " + (task.lostAttempts + 1) + " times)", now, step);
            checkFinished(step);
            return step.build();
        }
        task.lostAttempts++;
        // The new number first: the READY move dispatches the attempt it carries.
        task.attempt = attempt + 1;
        move(task, READY, reason + "; attempt " + task.attempt + " follows", step);
        return step.build();
    }

    /** The memo cache had the result of a READY task, so it need not run. */
    public Step onCached(String taskId, Object result, Instant now) {
        TaskRun task = startedTask(taskId);
        if (task.state().isTerminal()) {
            return Step.NOTHING;
        }
        Step.Builder step = new Step.Builder();
        move(task, CACHED, "result taken from the memo cache", step);
        task.result = result;
        releaseDependents(task, step);
        checkFinished(step);
        return step.build();
    }

    /** Readies the retries whose back-off has elapsed. */
    public Step tick(Instant now) {
        if (!started || finishedAs != null) {
            return Step.NOTHING;
        }
        Step.Builder step = new Step.Builder();
        releaseDueRetries(now, step);
        return step.build();
    }

    /** Cancels every unfinished task; the workflow finishes CANCELLED at once, sealed or not. */
    public Step cancel(Instant now) {
        if (finishedAs != null) {
            return Step.NOTHING;
        }
        cancelRequested = true;
        Step.Builder step = new Step.Builder();
        cancelUnfinished("workflow cancelled", step);
        checkFinished(step);
        return step.build();
    }

    /** Cancels one task and, since they can never run, every task downstream of it. */
    public Step cancelTask(String taskId, Instant now) {
        TaskRun task = task(taskId);
        if (task.state().isTerminal()) {
            return Step.NOTHING;
        }
        Step.Builder step = new Step.Builder();
        move(task, CANCELLED, "cancelled on request", step);
        stopDependents(task, step);
        checkFinished(step);
        return step.build();
    }

    /**
     * Adds tasks to an open run (from {@code WorkflowPlanner.planAdditional}). Tasks whose
     * dependencies all succeeded are dispatched at once; tasks needing a failed or cancelled task
     * are stopped at once.
     *
     * @throws IllegalStateException when the run is sealed or finished
     */
    public Step addTasks(List<PlannedTask> newTasks, Instant now) {
        if (finishedAs != null) {
            throw new IllegalStateException("the workflow already finished " + finishedAs + "; tasks cannot be added");
        }
        if (sealed) {
            throw new IllegalStateException("the workflow is sealed; tasks cannot be added");
        }
        WorkflowPlan addition = new WorkflowPlan(plan.settings(), plan.apps(), newTasks);
        for (PlannedTask planned : newTasks) {
            if (tasks.containsKey(planned.id())) {
                throw new IllegalArgumentException("the workflow already has a task '" + planned.id() + "'");
            }
            for (String dependency : planned.dependencies()) {
                if (!tasks.containsKey(dependency) && !addition.contains(dependency)) {
                    throw new UnknownTaskException(dependency);
                }
            }
        }
        List<TaskRun> added = new ArrayList<>(newTasks.size());
        for (PlannedTask planned : newTasks) {
            added.add(new TaskRun(planned, WAITING, 1));
        }
        register(added);
        plan = plan.plus(addition);

        Step.Builder step = new Step.Builder();
        for (TaskRun task : added) {
            for (String dependency : task.task.dependencies()) {
                TaskRun upstream = tasks.get(dependency);
                if (upstream.state().isTerminal() && !upstream.state().isSuccessful()) {
                    stopBecauseOf(upstream, List.of(task), step);
                    break;
                }
            }
        }
        if (started) {
            for (TaskRun task : added) {
                readyIfUnblocked(task, step);
            }
        }
        return step.build();
    }

    /** No more tasks will be added: the workflow finishes once every task has. */
    public Step seal() {
        if (sealed) {
            return Step.NOTHING;
        }
        sealed = true;
        Step.Builder step = new Step.Builder();
        checkFinished(step);
        return step.build();
    }

    // ----- queries ------------------------------------------------------------------------------

    /** The task's args for dispatch, each result reference replaced by that task's result. */
    public Map<String, Object> resolvedArgs(String taskId) {
        Map<String, Object> args = new LinkedHashMap<>();
        task(taskId).task.args().forEach((name, value) ->
                args.put(name, value instanceof ResultReference reference ? reference.resolve(this::result) : value));
        return Collections.unmodifiableMap(args);
    }

    /** The task's input files as paths relative to the workflow's data area. */
    public List<String> resolvedInputs(String taskId) {
        return task(taskId).task.inputs().stream().map(FileRef::path).toList();
    }

    /**
     * The result of a SUCCEEDED or CACHED task (may be null).
     *
     * @throws IllegalStateException when the task has no result
     */
    public Object result(String taskId) {
        TaskRun task = task(taskId);
        if (!task.state().isSuccessful()) {
            throw new IllegalStateException("task '" + taskId + "' has no result: it is " + task.state());
        }
        return task.result;
    }

    public TaskState state(String taskId) {
        return task(taskId).state();
    }

    /** The current attempt number; for RETRY_WAIT, the attempt that runs next. */
    public int attempt(String taskId) {
        return task(taskId).attempt;
    }

    /** Why the task is in its state: an error, an upstream failure, a cancellation... */
    public String reason(String taskId) {
        return task(taskId).reason;
    }

    public PlannedTask plannedTask(String taskId) {
        return task(taskId).task;
    }

    /** The whole plan, dynamic additions included. */
    public WorkflowPlan plan() {
        return plan;
    }

    public int count(TaskState state) {
        return countByState[state.ordinal()];
    }

    public WorkflowStatus status() {
        return finishedAs != null ? finishedAs : WorkflowStatus.RUNNING;
    }

    public boolean isSealed() {
        return sealed;
    }

    /** When the earliest pending retry is due, for the scheduler's timer. */
    public Optional<Instant> nextRetryAt() {
        while (!retryQueue.isEmpty() && isStale(retryQueue.peek())) {
            retryQueue.poll();
        }
        return Optional.ofNullable(retryQueue.peek()).map(PendingRetry::at);
    }

    // ----- the one place states change ----------------------------------------------------------

    private void move(TaskRun task, TaskState to, String reason, Step.Builder step) {
        TaskState from = task.state();
        task.moveTo(to);
        task.reason = reason;
        countByState[from.ordinal()]--;
        countByState[to.ordinal()]++;
        if (to.isTerminal()) {
            unfinished--;
        }
        step.changed(task.id(), from, to, reason);
        if (to == READY) {
            step.dispatch(task.id(), task.attempt);
        }
        if (from.isInFlight() && to == CANCELLED) {
            step.abandoned(task.id(), task.attempt);
        }
    }

    // ----- internals ----------------------------------------------------------------------------

    private void register(List<TaskRun> created) {
        for (TaskRun task : created) {
            tasks.put(task.id(), task);
            inOrder.add(task);
            countByState[task.state().ordinal()]++;
            if (!task.state().isTerminal()) {
                unfinished++;
            }
        }
        for (TaskRun task : created) {
            for (String dependency : task.task.dependencies()) {
                TaskRun upstream = tasks.get(dependency);
                if (upstream == null) {
                    throw new UnknownTaskException(dependency);
                }
                upstream.dependents.add(task);
                if (!upstream.state().isSuccessful()) {
                    task.unfinishedDependencies++;
                }
            }
        }
    }

    private TaskRun task(String taskId) {
        TaskRun task = tasks.get(taskId);
        if (task == null) {
            throw new UnknownTaskException(taskId);
        }
        return task;
    }

    private TaskRun startedTask(String taskId) {
        if (!started) {
            throw new IllegalStateException("the run has not started; call start first");
        }
        return task(taskId);
    }

    private static boolean isStaleOrFinished(TaskRun task, int attempt) {
        return attempt != task.attempt || task.state().isTerminal();
    }

    private static boolean isStale(PendingRetry retry) {
        return retry.task().state() != RETRY_WAIT || retry.task().attempt != retry.attempt();
    }

    /** After recovery, failed and cancelled tasks may have dependents that were never stopped. */
    private void settleRecoveredEndings(Step.Builder step) {
        for (TaskRun task : inOrder) {
            if (task.state() == FAILED) {
                applyErrorPolicy(task, step);
            } else if (task.state() == DEPENDENCY_FAILED || task.state() == CANCELLED) {
                stopDependents(task, step);
            }
        }
    }

    /** The current attempt failed: retry after the back-off while attempts are left, else fail the task. */
    private void failAttempt(TaskRun task, String error, Instant now, Step.Builder step) {
        int attempt = task.attempt;
        int allowedAttempts = task.task.maxAttempts() + task.lostAttempts;
        String failure = "attempt " + attempt + " of " + allowedAttempts + " failed: " + error;
        if (attempt < allowedAttempts) {
            // Back-off grows with the failures, not with attempts lost to dead workers.
            Instant at = now.plus(backoffAfter(attempt - task.lostAttempts));
            move(task, RETRY_WAIT, failure, step);
            task.attempt = attempt + 1;
            retryQueue.add(new PendingRetry(at, task, task.attempt));
            step.retry(task.id(), task.attempt, at);
            releaseDueRetries(now, step);
        } else {
            move(task, FAILED, failure, step);
            applyErrorPolicy(task, step);
        }
    }

    private void releaseDependents(TaskRun task, Step.Builder step) {
        for (TaskRun dependent : task.dependents) {
            dependent.unfinishedDependencies--;
            readyIfUnblocked(dependent, step);
        }
    }

    private void readyIfUnblocked(TaskRun task, Step.Builder step) {
        if (task.state() == WAITING && task.unfinishedDependencies == 0) {
            move(task, READY, task.task.dependencies().isEmpty() ? "no dependencies" : "dependencies succeeded", step);
        }
    }

    private void applyErrorPolicy(TaskRun failed, Step.Builder step) {
        if (errorPolicy == ErrorPolicy.FAIL_FAST) {
            failedFast = true;
            cancelUnfinished("workflow failed fast: task '" + failed.id() + "' failed", step);
        } else {
            stopDependents(failed, step);
        }
    }

    private void stopDependents(TaskRun upstream, Step.Builder step) {
        stopBecauseOf(upstream, upstream.dependents, step);
    }

    /**
     * Stops tasks that can never run because {@code upstream} did not succeed, and everything
     * downstream of them: DEPENDENCY_FAILED after a failure, CANCELLED after a cancellation.
     */
    private void stopBecauseOf(TaskRun upstream, List<TaskRun> first, Step.Builder step) {
        TaskState outcome = upstream.state() == CANCELLED ? CANCELLED : DEPENDENCY_FAILED;
        String reason;
        if (upstream.state() == CANCELLED) {
            reason = "upstream task '" + upstream.id() + "' was cancelled";
        } else if (upstream.state() == DEPENDENCY_FAILED && upstream.reason != null) {
            // Name the task that actually failed, not the one in between.
            reason = upstream.reason;
        } else {
            reason = "upstream task '" + upstream.id() + "' failed";
        }
        ArrayDeque<TaskRun> toStop = new ArrayDeque<>(first);
        while (!toStop.isEmpty()) {
            TaskRun task = toStop.poll();
            if (!task.state().isTerminal()) {
                move(task, outcome, reason, step);
                toStop.addAll(task.dependents);
            }
        }
    }

    private void cancelUnfinished(String reason, Step.Builder step) {
        for (TaskRun task : inOrder) {
            if (!task.state().isTerminal()) {
                move(task, CANCELLED, reason, step);
            }
        }
    }

    private void releaseDueRetries(Instant now, Step.Builder step) {
        while (!retryQueue.isEmpty() && !retryQueue.peek().at().isAfter(now)) {
            PendingRetry due = retryQueue.poll();
            if (!isStale(due)) {
                move(due.task(), READY, "retry back-off elapsed", step);
            }
        }
    }

    /** retryBackoffMs * 2^(failures - 1), capped. */
    private Duration backoffAfter(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 40);
        long millis = retryBackoffMs > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : retryBackoffMs << doublings;
        return millis > MAX_RETRY_BACKOFF.toMillis() ? MAX_RETRY_BACKOFF : Duration.ofMillis(millis);
    }

    private void checkFinished(Step.Builder step) {
        if (finishedAs != null || unfinished > 0) {
            return;
        }
        boolean noMoreTasks = sealed || cancelRequested || failedFast;
        if (noMoreTasks && (started || cancelRequested)) {
            finishedAs = finalStatus();
            step.finished(finishedAs);
        }
    }

    private WorkflowStatus finalStatus() {
        if (cancelRequested) {
            return WorkflowStatus.CANCELLED;
        }
        if (count(FAILED) + count(DEPENDENCY_FAILED) > 0) {
            return WorkflowStatus.FAILED;
        }
        return count(CANCELLED) > 0 ? WorkflowStatus.CANCELLED : WorkflowStatus.SUCCEEDED;
    }
}
