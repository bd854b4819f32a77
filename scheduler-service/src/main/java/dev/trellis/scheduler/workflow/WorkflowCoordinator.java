package dev.trellis.scheduler.workflow;

import dev.trellis.engine.plan.InvalidWorkflowException;
import dev.trellis.engine.plan.PlannedTask;
import dev.trellis.engine.plan.ResultReference;
import dev.trellis.engine.plan.SpecProblem;
import dev.trellis.engine.plan.WorkflowPlan;
import dev.trellis.engine.plan.WorkflowPlanner;
import dev.trellis.engine.run.PersistedTask;
import dev.trellis.engine.run.Step;
import dev.trellis.engine.run.TaskState;
import dev.trellis.engine.run.WorkflowRun;
import dev.trellis.engine.run.WorkflowStatus;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.WireCodec.SubmittedSpec;
import dev.trellis.protocol.message.AttemptStatus;
import dev.trellis.protocol.message.CancelMessage;
import dev.trellis.protocol.message.ResultMessage;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.TaskSpec;
import dev.trellis.protocol.spec.WorkflowSpec;
import dev.trellis.scheduler.dispatch.TaskDispatcher;
import dev.trellis.scheduler.memo.Memoizer;
import dev.trellis.scheduler.site.BlockRegistry;
import dev.trellis.scheduler.site.SiteLoad;
import dev.trellis.scheduler.store.AttemptRow;
import dev.trellis.scheduler.store.StepRows;
import dev.trellis.scheduler.store.TaskRow;
import dev.trellis.scheduler.store.WorkflowRow;
import dev.trellis.scheduler.store.WorkflowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Drives workflow runs: turns submissions, worker reports and timer ticks into engine events, and
 * applies each resulting {@link Step}: persist first (one batch per step), then send the ready
 * attempts, so a restart can always pick up from the database.
 */
@Service
public class WorkflowCoordinator implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(WorkflowCoordinator.class);
    /** Task-level events have their own logger so operators can quiet them without losing workflow events. */
    private static final Logger taskLog = LoggerFactory.getLogger("trellis.tasks");
    /**
     * Workflows whose report-batch rows, or whose concurrent submissions, share a transaction
     * (bounding how many monitors one thread holds at once, each a stack frame).
     */
    static final int WORKFLOWS_PER_TRANSACTION = 500;

    private final WorkflowStore store;
    private final WorkflowPlanner planner;
    private final TaskDispatcher dispatcher;
    private final SiteLoad load;
    private final BlockRegistry blocks;
    private final WorkflowMetrics metrics;
    private final WorkflowEvents events;
    private final Memoizer memoizer;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Map<UUID, ActiveWorkflow> active = new ConcurrentHashMap<>();
    private final Map<UUID, CompletableFuture<Instant>> finishWaiters = new ConcurrentHashMap<>();
    /** When the earliest of the workflows a restart could not recover was submitted; null when it recovered them all. */
    private volatile Instant unrecoveredSince;
    /**
     * Submissions arriving together share a transaction and a round of sends: one request per
     * workflow cost a transaction each, and concurrent requests queued behind one another for it.
     * A batch larger than {@link #WORKFLOWS_PER_TRANSACTION} is stored alone, so no thread holds
     * more monitors than the largest batch allowed.
     */
    private final GroupCommit<Pending> submissions = new GroupCommit<>(this::start, WORKFLOWS_PER_TRANSACTION);

    WorkflowCoordinator(WorkflowStore store, WorkflowPlanner planner, TaskDispatcher dispatcher, SiteLoad load,
                        BlockRegistry blocks, WorkflowMetrics metrics, WorkflowEvents events, Memoizer memoizer,
                        TransactionTemplate transaction, Clock clock) {
        this.store = store;
        this.planner = planner;
        this.dispatcher = dispatcher;
        this.load = load;
        this.blocks = blocks;
        this.metrics = metrics;
        this.events = events;
        this.memoizer = memoizer;
        this.transaction = transaction;
        this.clock = clock;
        metrics.trackActive(active, (workflow, state) -> workflow.run.count(state));
    }

    /**
     * Validates, persists and starts a workflow. Nothing is stored when the spec is invalid. The
     * stored JSON is what a restart plans again.
     *
     * @param sealed false to accept more tasks later ({@link #addTasks}) until {@link #seal}
     */
    public ActiveWorkflowSummary submit(SubmittedSpec spec, boolean sealed) {
        return submitAll(List.of(spec), sealed).get(0);
    }

    /**
     * Validates every spec, then persists and starts them all in one transaction (which other
     * requests' submissions arriving at the same time may share): nothing is stored when any spec
     * is invalid (the problems' paths then start with the spec's index, as in
     * {@code $[3].tasks[0].app}) or when the transaction fails.
     */
    public List<ActiveWorkflowSummary> submitAll(List<SubmittedSpec> documents, boolean sealed) {
        List<WorkflowSpec> specs = documents.stream().map(SubmittedSpec::spec).toList();
        List<WorkflowPlan> plans = plans(specs);
        Instant now = rowStamp();
        List<Pending> submitted = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            WorkflowSpec spec = specs.get(i);
            WorkflowPlan plan = plans.get(i);
            WorkflowRun run = sealed ? WorkflowRun.sealed(plan) : WorkflowRun.open(plan);
            String name = spec.name() == null || spec.name().isBlank() ? "workflow" : spec.name();
            String labelsJson = WireCodec.writeString(spec.labels());
            ActiveWorkflow workflow = new ActiveWorkflow(WorkflowIds.next(), name, labelsJson, now, run, 0, now);
            Outcome outcome = new Outcome();
            outcome.newWorkflow = new WorkflowRow(workflow.id, name, WorkflowStatus.RUNNING.name(), documents.get(i).storedJson(),
                    labelsJson, sealed, now, null, plan.size());
            submitted.add(new Pending(workflow, outcome));
        }
        submissions.commit(submitted);
        return submitted.stream().map(Pending::workflow)
                .map(w -> new ActiveWorkflowSummary(w.id, w.name, w.run.status().name(), w.run.plan().size())).toList();
    }

    /**
     * Starts, persists and sends planned submissions: those of every request waiting here at once
     * (see {@link #submissions}), all in one transaction.
     */
    private void start(List<Pending> submitted) {
        Instant now = clock.instant();
        // Every monitor is taken before any workflow becomes visible in `active`, so no other thread can hold one.
        holdingAll(submitted, 0, () -> {
            for (Pending pending : submitted) {
                ActiveWorkflow workflow = pending.workflow();
                active.put(workflow.id, workflow);
                log.info("workflow {} '{}' submitted with {} tasks{}", workflow.id, workflow.name, workflow.run.plan().size(),
                        workflow.run.isSealed() ? "" : " (open for more)");
                // The first step (ready tasks dispatched, cache hits taken) is settled before anything is
                // written, so each task row is written once, in the transaction that stores the workflow.
                absorb(workflow, workflow.run.start(now), now, pending.outcome());
            }
            try {
                persistAndSend(submitted, now);
            } catch (RuntimeException e) {
                for (Pending pending : submitted) {
                    ActiveWorkflow workflow = pending.workflow();
                    if (store.findWorkflow(workflow.id).isEmpty()) {
                        // Nothing was stored: the submission failed as a whole, and its dispatches never happened.
                        active.remove(workflow.id);
                        workflow.siteOf.forEach((taskId, site) -> load.moved(site, workflow.run.state(taskId), TaskState.WAITING));
                    }
                }
                throw e;
            }
        });
    }

    /** Plans every spec, or throws one {@link InvalidWorkflowException} with the problems of all of them. */
    private List<WorkflowPlan> plans(List<WorkflowSpec> specs) {
        if (specs.size() == 1) {
            return List.of(planner.plan(specs.get(0)));
        }
        List<WorkflowPlan> plans = new ArrayList<>(specs.size());
        List<SpecProblem> problems = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            try {
                plans.add(planner.plan(specs.get(i)));
            } catch (InvalidWorkflowException e) {
                String index = "$[" + i + "]";
                e.problems().forEach(problem -> problems.add(new SpecProblem(problem.path() == null ? index
                        : index + problem.path().substring(problem.path().startsWith("$") ? 1 : 0), problem.code(), problem.message())));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidWorkflowException(problems);
        }
        return plans;
    }

    /** Adds tasks to an open workflow; they may depend on its existing tasks. */
    public int addTasks(UUID id, List<TaskSpec> tasks) {
        ActiveWorkflow workflow = activeOrThrow(id);
        synchronized (workflow) {
            if (workflow.run.isSealed()) {
                throw new WorkflowClosedException(id, "it is sealed: no tasks can be added");
            }
            WorkflowPlan addition = planner.planAdditional(workflow.run.plan(), tasks);
            Instant now = clock.instant();
            int seq = ++workflow.taskBatches;
            transaction.executeWithoutResult(status -> {
                store.insertTaskBatch(id, seq, WireCodec.writeSpec(tasks));
                store.addTaskCount(id, addition.size());
            });
            Step step = workflow.run.addTasks(addition.tasks(), now);
            Set<String> added = new LinkedHashSet<>(addition.tasks().stream().map(PlannedTask::id).toList());
            log.info("workflow {} got {} more tasks", id, added.size());
            apply(workflow, step, now, added);
            return added.size();
        }
    }

    public void seal(UUID id) {
        ActiveWorkflow workflow = activeOrThrow(id);
        synchronized (workflow) {
            store.seal(id);
            apply(workflow, workflow.run.seal(), clock.instant(), List.of());
        }
    }

    public void cancel(UUID id) {
        ActiveWorkflow workflow = activeOrThrow(id);
        synchronized (workflow) {
            apply(workflow, workflow.run.cancel(clock.instant()), clock.instant(), List.of());
        }
    }

    public void cancelTask(UUID id, String taskId) {
        ActiveWorkflow workflow = activeOrThrow(id);
        synchronized (workflow) {
            if (!workflow.run.plan().contains(taskId)) {
                throw new TaskNotFoundException(id, taskId);
            }
            apply(workflow, workflow.run.cancelTask(taskId, clock.instant()), clock.instant(), List.of());
        }
    }

    /** Checkpoints the workflow's cached results gathered since its last checkpoint (any mode). */
    public Optional<String> checkpoint(UUID id) {
        ActiveWorkflow workflow = activeOrThrow(id);
        synchronized (workflow) {
            return memoizer.checkpoint(workflow.memo, workflow.id, workflow.name, clock.instant());
        }
    }

    public boolean isActive(UUID id) {
        return active.containsKey(id);
    }

    /**
     * Waits up to {@code timeout} for the workflow to finish here.
     *
     * @return the workflow, finished; empty when it is not running here (finished earlier, or
     *         unknown) or still runs after the timeout
     */
    public Optional<FinishedWorkflow> awaitFinished(UUID id, Duration timeout) throws InterruptedException {
        CompletableFuture<Instant> finished = finishWaiters.computeIfAbsent(id, k -> new CompletableFuture<>());
        ActiveWorkflow workflow = active.get(id);
        if (workflow == null) {
            finishWaiters.remove(id, finished);
            return Optional.empty();
        }
        try {
            return Optional.of(new FinishedWorkflow(workflow, finished.get(timeout.toMillis(), TimeUnit.MILLISECONDS)));
        } catch (TimeoutException | ExecutionException e) {
            return Optional.empty(); // still running: the caller reads its current state
        }
    }

    /** Now, to the microsecond, as Postgres stores it: a workflow's row held in memory then equals the one written. */
    private Instant rowStamp() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** A workflow's row and every task's row, as {@link WorkflowStore} reads them back. */
    public record WorkflowRows(WorkflowRow workflow, List<TaskRow> tasks) {
    }

    /** A workflow that finished during a wait, at {@code finishedAt}, as its row says. */
    record FinishedWorkflow(ActiveWorkflow workflow, Instant finishedAt) {

        /**
         * The rows its last transaction left, built from memory (only for a caller that uses them):
         * the same values Postgres holds, a result's JSON as the worker sent it, where Postgres's
         * jsonb may order an object's keys otherwise.
         */
        WorkflowRows rows() {
            synchronized (workflow) {
                WorkflowRun run = workflow.run;
                WorkflowRow row = new WorkflowRow(workflow.id, workflow.name, run.status().name(), null, workflow.labelsJson,
                        run.isSealed(), workflow.submittedAt, finishedAt, run.plan().size());
                return new WorkflowRows(row, allTaskRows(workflow));
            }
        }
    }

    /**
     * Applies a batch of worker reports, in order, and persists what they changed in one
     * transaction per {@link #WORKFLOWS_PER_TRANSACTION} workflows: many small workflows cost a
     * transaction per batch, not one each.
     */
    public void onReports(List<ResultMessage> reports) {
        Map<UUID, List<ResultMessage>> byWorkflow = new TreeMap<>(); // one order for every thread that takes several monitors
        for (ResultMessage report : reports) {
            parseId(report.workflowId()).ifPresent(id -> byWorkflow.computeIfAbsent(id, k -> new ArrayList<>()).add(report));
        }
        List<Map.Entry<ActiveWorkflow, List<ResultMessage>>> reported = new ArrayList<>(byWorkflow.size());
        byWorkflow.forEach((id, workflowReports) -> {
            ActiveWorkflow workflow = active.get(id);
            if (workflow != null) { // else finished or unknown: a late duplicate changes nothing
                reported.add(Map.entry(workflow, workflowReports));
            }
        });
        for (int from = 0; from < reported.size(); from += WORKFLOWS_PER_TRANSACTION) {
            List<Map.Entry<ActiveWorkflow, List<ResultMessage>>> chunk =
                    reported.subList(from, Math.min(reported.size(), from + WORKFLOWS_PER_TRANSACTION));
            List<Pending> changed = new ArrayList<>(chunk.size());
            chunk.forEach(entry -> changed.add(new Pending(entry.getKey(), new Outcome())));
            holdingAll(changed, 0, () -> {
                Instant now = clock.instant();
                for (int i = 0; i < chunk.size(); i++) {
                    absorbReports(changed.get(i).workflow(), chunk.get(i).getValue(), now, changed.get(i).outcome());
                }
                persistAndSend(changed, now);
            });
        }
    }

    private void absorbReports(ActiveWorkflow workflow, List<ResultMessage> reports, Instant now, Outcome outcome) {
        UUID id = workflow.id;
        for (ResultMessage report : reports) {
            // A cancelled task's attempt was ended here; the block's report of the kill must not overwrite it.
            // A task never sent can only be reported by a continuation the scheduler no longer counts on.
            if (!workflow.run.plan().contains(report.taskId()) || isCancelledOrUnsent(workflow.run.state(report.taskId()))) {
                continue;
            }
            if (report.status() == AttemptStatus.SUCCEEDED) {
                workflow.continuations.upstreamSucceeded(report.taskId(), report.attempt(), report.blockId());
            }
            // Known until the current attempt's first report, which its row and the queue-wait histogram take.
            Instant queuedAt = workflow.run.attempt(report.taskId()) == report.attempt() ? workflow.queuedAt.remove(report.taskId()) : null;
            outcome.attempt(attemptRow(workflow.id, report, queuedAt));
            absorb(workflow, event(workflow, report, queuedAt, now), now, outcome);
            if (report.status() == AttemptStatus.SUCCEEDED && workflow.run.state(report.taskId()) == TaskState.SUCCEEDED
                    && workflow.run.attempt(report.taskId()) == report.attempt()) {
                for (String follower : memoizer.succeeded(workflow.memo, id, workflow.name, workflow.run,
                        report.taskId(), report.result(), now)) {
                    absorb(workflow, workflow.run.onCached(follower, report.result(), now), now, outcome);
                }
            }
        }
    }

    private static boolean isCancelledOrUnsent(TaskState state) {
        return state == TaskState.CANCELLED || state == TaskState.WAITING || state == TaskState.READY;
    }

    /**
     * A short task's block reports only its end (no STARTED), so the queue wait is taken from
     * whichever report of the attempt comes first.
     */
    private Step event(ActiveWorkflow workflow, ResultMessage report, Instant queuedAt, Instant now) {
        WorkflowRun run = workflow.run;
        boolean current = run.attempt(report.taskId()) == report.attempt();
        if (queuedAt != null) {
            metrics.queueWait(report.site(), Duration.between(queuedAt, Instant.ofEpochMilli(report.startedAtMillis())));
        }
        return switch (report.status()) {
            case STARTED -> {
                Step step = run.onStarted(report.taskId(), report.attempt(), now);
                if (current) {
                    workflow.blockOf.put(report.taskId(), report.blockId());
                }
                yield step;
            }
            case SUCCEEDED, FAILED -> {
                if (current) {
                    metrics.runTime(report.site(), run.plannedTask(report.taskId()).appName(), report.status().name(),
                            Duration.ofMillis(report.finishedAtMillis() - report.startedAtMillis()));
                }
                yield report.status() == AttemptStatus.SUCCEEDED
                        ? run.onSucceeded(report.taskId(), report.attempt(), report.result(), now)
                        : run.onFailed(report.taskId(), report.attempt(), report.error(), now);
            }
        };
    }

    /** Due retries, sends the broker refused, and attempts on blocks that stopped heartbeating. */
    public void tick() {
        Instant now = clock.instant();
        dispatcher.resendFailed();
        for (ActiveWorkflow workflow : active.values()) {
            synchronized (workflow) {
                if (workflow.run.nextRetryAt().filter(at -> !at.isAfter(now)).isPresent()) {
                    apply(workflow, workflow.run.tick(now), now, List.of());
                }
                memoizer.tick(workflow.memo, workflow.id, workflow.name, now);
            }
        }
    }

    /** The blocks went silent: their running attempts are lost and run again elsewhere. */
    public void onBlocksLost(Collection<String> lostBlocks) {
        Set<String> lost = Set.copyOf(lostBlocks);
        for (ActiveWorkflow workflow : active.values()) {
            synchronized (workflow) {
                Instant now = clock.instant();
                List<Step> steps = new ArrayList<>();
                List<AttemptRow> lostAttempts = new ArrayList<>();
                for (Map.Entry<String, String> running : List.copyOf(workflow.blockOf.entrySet())) {
                    String taskId = running.getKey();
                    if (!lost.contains(running.getValue()) || workflow.run.state(taskId) != TaskState.RUNNING) {
                        continue;
                    }
                    int attempt = workflow.run.attempt(taskId);
                    String reason = "worker lost: block " + running.getValue() + " stopped sending heartbeats";
                    taskLog.warn("task {}/{} attempt {}: {}", workflow.id, taskId, attempt, reason);
                    lostAttempts.add(new AttemptRow(workflow.id, taskId, attempt, workflow.siteOf.get(taskId), AttemptRow.LOST,
                            null, null, null, null, reason, null, null, queuedAt(workflow, taskId, now), null, now));
                    steps.add(workflow.run.onLost(taskId, attempt, reason, now));
                }
                if (!steps.isEmpty()) {
                    applyAll(workflow, steps, now, lostAttempts);
                }
            }
        }
    }

    // ----- applying steps -----------------------------------------------------------------------

    private void apply(ActiveWorkflow workflow, Step step, Instant now, Collection<String> alsoPersist) {
        Outcome outcome = new Outcome();
        outcome.changedTasks.addAll(alsoPersist);
        absorb(workflow, step, now, outcome);
        persistAndSend(workflow, outcome, now);
    }

    private void applyAll(ActiveWorkflow workflow, List<Step> steps, Instant now, List<AttemptRow> endedAttempts) {
        Outcome outcome = new Outcome();
        endedAttempts.forEach(outcome::attempt);
        for (Step step : steps) {
            absorb(workflow, step, now, outcome);
        }
        persistAndSend(workflow, outcome, now);
    }

    /** Folds a step into the outcome: routes its ready attempts (which are steps too) and notes what changed. */
    private void absorb(ActiveWorkflow workflow, Step step, Instant now, Outcome outcome) {
        for (Step.StateChange change : step.changes()) {
            outcome.changedTasks.add(change.taskId());
            outcome.changes.add(change);
            String site = workflow.siteOf.get(change.taskId());
            load.moved(site, change.from(), change.to());
            if (!change.to().isInFlight()) {
                workflow.blockOf.remove(change.taskId());
            }
            metrics.taskMoved(workflow.run.plannedTask(change.taskId()).appName(), site, change.to());
            // The normal path at DEBUG: a line per move would cost more than the move at thousands of tasks a second.
            taskLog.atLevel(change.to().isFailure() || change.to() == TaskState.RETRY_WAIT || change.to() == TaskState.CANCELLED
                            ? Level.INFO : Level.DEBUG)
                    .log("task {}/{} {} -> {}: {}", workflow.id, change.taskId(), change.from(), change.to(), change.reason());
            if (change.from().isInFlight() && !change.to().isInFlight() && change.to() != TaskState.SUCCEEDED) {
                workflow.continuations.upstreamFailed(change.taskId()); // its block runs no continuation after it
            }
            if (change.to().isTerminal() && !change.to().isSuccessful()) {
                // It may still ride with an upstream attempt whose block would run it once that succeeds.
                workflow.continuations.dependentEnded(change.taskId()).ifPresent(attempt -> {
                    if (change.from() == TaskState.WAITING) {
                        workflow.siteOf.remove(change.taskId()); // it never ran anywhere
                    }
                    outcome.cancels.add(CancelMessage.ofAttempt(workflow.id.toString(), change.taskId(), attempt,
                            change.reason(), now.toEpochMilli()));
                });
                // Tasks waiting for this one's identical result must now run themselves.
                memoizer.leaderGone(workflow.memo, change.taskId())
                        .filter(next -> workflow.run.state(next) == TaskState.READY)
                        .ifPresent(next -> outcome.toDispatch.add(new Step.Attempt(next, workflow.run.attempt(next))));
            }
        }
        for (Step.Attempt abandoned : step.abandoned()) {
            String taskId = abandoned.taskId();
            outcome.attempt(new AttemptRow(workflow.id, taskId, abandoned.attempt(), workflow.siteOf.get(taskId), AttemptRow.CANCELLED,
                    null, null, null, null, workflow.run.reason(taskId), null, null, queuedAt(workflow, taskId, now), null, now));
            outcome.cancels.add(CancelMessage.ofAttempt(workflow.id.toString(), taskId, abandoned.attempt(),
                    workflow.run.reason(taskId), now.toEpochMilli()));
        }
        if (step.finishedAs() != null) {
            outcome.finishedAs = step.finishedAs();
        }
        for (Step.Attempt ready : step.dispatch()) {
            if (workflow.run.plannedTask(ready.taskId()).app().cache()) {
                outcome.cacheCandidates.add(ready); // decided in one batch, see settleCacheCandidates
            } else {
                dispatch(workflow, ready, now, outcome);
            }
        }
    }

    /**
     * Sends a ready attempt to the least-loaded of its sites (once the step's rows are written), with
     * its continuation aboard when it has one; or, when it rode aboard its upstream's attempt, which
     * just succeeded, counts it as running on that block.
     */
    private void dispatch(ActiveWorkflow workflow, Step.Attempt ready, Instant now, Outcome outcome) {
        PlannedTask task = workflow.run.plannedTask(ready.taskId());
        Optional<String> runningOn = workflow.continuations.takeRunning(task.id(), ready.attempt());
        if (runningOn.isPresent()) {
            // Stored as STARTED on that block, as if it had said so: its attempt shows where it runs until it ends.
            outcome.attempt(AttemptRow.startedOn(workflow.id, task.id(), ready.attempt(), workflow.siteOf.get(task.id()),
                    runningOn.get(), now));
            absorb(workflow, workflow.run.onDispatched(task.id(), ready.attempt(), now), now, outcome);
            absorb(workflow, workflow.run.onStarted(task.id(), ready.attempt(), now), now, outcome);
            workflow.blockOf.put(task.id(), runningOn.get()); // so a block gone silent has it run again
            return;
        }
        Optional<String> site = dispatcher.chooseSite(task, workflow.run.plan().settings().defaultSite());
        if (site.isEmpty()) {
            absorb(workflow, workflow.run.onFailed(task.id(), ready.attempt(),
                    "no configured site among " + task.candidateSites() + " can run it", now), now, outcome);
            return;
        }
        workflow.siteOf.put(task.id(), site.get());
        outcome.messages.add(withContinuation(workflow, ready.attempt(), site.get(), dispatcher.message(workflow.id.toString(), task,
                ready.attempt(), site.get(), workflow.run.resolvedArgs(task.id()), workflow.run.resolvedInputs(task.id()))));
        // No attempt row yet: the task's row, written in the same step, says it is queued, where and since when.
        workflow.queuedAt.put(task.id(), now);
        absorb(workflow, workflow.run.onDispatched(task.id(), ready.attempt(), now), now, outcome);
    }

    /**
     * The attempt's message with its task's continuation aboard ({@link TaskMessage#then()}), when the
     * task has one that may ride: not cacheable (it must ask the checkpoint-service first), allowed on
     * the same site, and taking this task's result whole where it takes it. A chain then crosses the
     * broker once for two tasks, and each step of the scheduler carries twice the tasks.
     */
    private TaskMessage withContinuation(ActiveWorkflow workflow, int attempt, String site, TaskMessage message) {
        WorkflowRun run = workflow.run;
        Optional<PlannedTask> next = run.continuationOf(message.taskId()).map(run::plannedTask)
                .filter(dependent -> !dependent.app().cache()
                        && dispatcher.mayRun(dependent, run.plan().settings().defaultSite(), site));
        if (next.isEmpty()) {
            return message;
        }
        PlannedTask dependent = next.get();
        Map<String, Object> args = new LinkedHashMap<>();
        List<String> resultArgs = new ArrayList<>();
        for (Map.Entry<String, Object> arg : dependent.args().entrySet()) {
            if (arg.getValue() instanceof ResultReference.ResultRef) { // its one upstream is this task
                resultArgs.add(arg.getKey());
                args.put(arg.getKey(), null);
            } else if (arg.getValue() instanceof ResultReference) {
                return message; // a list of results: sent on its own once ready
            } else {
                args.put(arg.getKey(), arg.getValue());
            }
        }
        int dependentAttempt = run.attempt(dependent.id());
        workflow.continuations.sent(message.taskId(), attempt, dependent.id(), dependentAttempt);
        workflow.siteOf.put(dependent.id(), site);
        return message.withContinuation(dispatcher.message(workflow.id.toString(), dependent, dependentAttempt, site, args,
                run.resolvedInputs(dependent.id())), resultArgs);
    }

    /**
     * Ready cacheable tasks, all at once: one checkpoint-service round trip for the batch. Taking a
     * cached result can ready more tasks, so this repeats until nothing is left to decide.
     */
    private void settleCacheCandidates(ActiveWorkflow workflow, Outcome outcome, Instant now) {
        while (!outcome.cacheCandidates.isEmpty() || !outcome.toDispatch.isEmpty()) {
            List<Step.Attempt> leaders = List.copyOf(outcome.toDispatch);
            outcome.toDispatch.clear();
            leaders.forEach(leader -> dispatch(workflow, leader, now, outcome));
            List<Step.Attempt> candidates = List.copyOf(outcome.cacheCandidates);
            outcome.cacheCandidates.clear();
            if (candidates.isEmpty()) {
                continue;
            }
            Map<String, Memoizer.Decision> decisions = memoizer.decide(workflow.memo, workflow.id, workflow.name, workflow.run,
                    candidates.stream().map(Step.Attempt::taskId).toList(), now);
            for (Step.Attempt candidate : candidates) {
                Memoizer.Decision decision = decisions.get(candidate.taskId());
                if (decision instanceof Memoizer.Decision.Cached cached) {
                    absorb(workflow, workflow.run.onCached(candidate.taskId(), cached.result(), now), now, outcome);
                } else if (decision instanceof Memoizer.Decision.Run) {
                    dispatch(workflow, candidate, now, outcome);
                }
                // Follow: stays READY until the identical task it waits for ends.
            }
        }
    }

    private void persistAndSend(ActiveWorkflow workflow, Outcome outcome, Instant now) {
        persistAndSend(List.of(new Pending(workflow, outcome)), now);
    }

    /**
     * Writes what the workflows' steps changed in one transaction, then sends their attempts and
     * cancellations. The caller holds every one of the workflows' monitors.
     */
    private void persistAndSend(List<Pending> changed, Instant now) {
        if (changed.isEmpty()) {
            return;
        }
        changed.forEach(pending -> settleCacheCandidates(pending.workflow(), pending.outcome(), now));
        List<WorkflowRow> newWorkflows = new ArrayList<>();
        Map<UUID, List<TaskRow>> newTasks = new LinkedHashMap<>();
        Map<UUID, List<TaskRow>> changedTasks = new LinkedHashMap<>();
        List<AttemptRow> attempts = new ArrayList<>();
        Map<UUID, String> finished = new LinkedHashMap<>();
        for (Pending pending : changed) {
            ActiveWorkflow workflow = pending.workflow();
            Outcome outcome = pending.outcome();
            if (outcome.newWorkflow != null) {
                newWorkflows.add(outcome.newWorkflow);
                newTasks.put(workflow.id, allTaskRows(workflow));
            } else {
                changedTasks.put(workflow.id, taskRows(workflow, outcome.changedTasks));
            }
            attempts.addAll(outcome.attempts.values());
            if (outcome.finishedAs != null) {
                finished.put(workflow.id, outcome.finishedAs.name());
            }
        }
        Instant finishedAt = store.writeStep(new StepRows(newWorkflows, newTasks, changedTasks, attempts, finished),
                now, this::rowStamp);
        List<TaskMessage> messages = new ArrayList<>();
        List<CancelMessage> cancels = new ArrayList<>();
        changed.forEach(pending -> {
            messages.addAll(pending.outcome().messages);
            cancels.addAll(pending.outcome().cancels);
        });
        dispatcher.send(messages);
        dispatcher.sendCancels(cancels);
        changed.forEach(pending -> published(pending.workflow(), pending.outcome(), now, finishedAt));
    }

    /** What follows a workflow's written and sent step: its events, and its end if it ended. */
    private void published(ActiveWorkflow workflow, Outcome outcome, Instant now, Instant finishedAt) {
        events.published(workflow.id, outcome.changes, outcome.finishedAs);
        if (outcome.finishedAs != null) {
            memoizer.finished(workflow.memo, workflow.id, workflow.name, now);
            active.remove(workflow.id);
            CompletableFuture<Instant> waiter = finishWaiters.remove(workflow.id);
            if (waiter != null) {
                waiter.complete(finishedAt);
            }
            metrics.workflowFinished(outcome.finishedAs);
            log.info("workflow {} '{}' finished {}: {} succeeded, {} cached, {} failed, {} dependency-failed, {} cancelled",
                    workflow.id, workflow.name, outcome.finishedAs, workflow.run.count(TaskState.SUCCEEDED),
                    workflow.run.count(TaskState.CACHED), workflow.run.count(TaskState.FAILED),
                    workflow.run.count(TaskState.DEPENDENCY_FAILED), workflow.run.count(TaskState.CANCELLED));
        }
    }

    /**
     * Runs {@code body} holding the monitors of {@code pending}'s workflows from {@code from} on,
     * taken in list order; a thread holding several takes them in workflow-id order (or holds new
     * workflows no other thread can see), and any other thread holds one at a time, so none deadlock.
     */
    private static void holdingAll(List<Pending> pending, int from, Runnable body) {
        if (from == pending.size()) {
            body.run();
            return;
        }
        synchronized (pending.get(from).workflow()) {
            holdingAll(pending, from + 1, body);
        }
    }

    private static List<TaskRow> allTaskRows(ActiveWorkflow workflow) {
        return taskRows(workflow, workflow.run.plan().tasks().stream().map(PlannedTask::id).toList());
    }

    private static List<TaskRow> taskRows(ActiveWorkflow workflow, Collection<String> taskIds) {
        List<TaskRow> rows = new ArrayList<>(taskIds.size());
        WorkflowRun run = workflow.run;
        for (String taskId : taskIds) {
            TaskState state = run.state(taskId);
            String result = state.isSuccessful() ? WireCodec.writeString(run.result(taskId)) : null;
            String error = state.isFailure() || state == TaskState.CANCELLED || state == TaskState.RETRY_WAIT ? run.reason(taskId) : null;
            rows.add(new TaskRow(taskId, run.plannedTask(taskId).appName(), state.name(), run.attempt(taskId),
                    workflow.siteOf.get(taskId), result, error));
        }
        return rows;
    }

    /**
     * A worker's report as its attempt's row.
     *
     * @param queuedAt when the attempt was queued, if this is its first report; else its start stands in
     *                 (a later report finds the row there, which keeps its own)
     */
    private static AttemptRow attemptRow(UUID workflowId, ResultMessage report, Instant queuedAt) {
        boolean started = report.status() == AttemptStatus.STARTED;
        Instant startedAt = Instant.ofEpochMilli(report.startedAtMillis());
        return new AttemptRow(workflowId, report.taskId(), report.attempt(), report.site(), report.status().name(),
                report.blockId(), report.workerId(), report.pid(), report.exitCode(), report.error(),
                report.stdoutTail(), report.stderrTail(), queuedAt != null ? queuedAt : startedAt,
                startedAt, started ? null : Instant.ofEpochMilli(report.finishedAtMillis()));
    }

    /**
     * When the task's current attempt was queued, for a row the scheduler writes itself; {@code now}
     * when no longer known (the attempt reported already, so its row holds the time).
     */
    private static Instant queuedAt(ActiveWorkflow workflow, String taskId, Instant now) {
        return workflow.queuedAt.getOrDefault(taskId, now);
    }

    /** A workflow and what its steps produced, to be written and sent with others'. */
    private record Pending(ActiveWorkflow workflow, Outcome outcome) {
    }

    /** What applying steps produced: rows to write, then attempts and cancellations to send once they are written. */
    private static final class Outcome {
        final Set<String> changedTasks = new LinkedHashSet<>();
        final List<Step.StateChange> changes = new ArrayList<>();
        final List<Step.Attempt> cacheCandidates = new ArrayList<>();
        final List<Step.Attempt> toDispatch = new ArrayList<>();
        /** Attempts with news (reported, started aboard their upstream's block, or ended here), one row each, in order. */
        final Map<String, AttemptRow> attempts = new LinkedHashMap<>();
        final List<TaskMessage> messages = new ArrayList<>();
        /** Abandoned attempts the blocks must stop (kill if running, skip if still queued). */
        final List<CancelMessage> cancels = new ArrayList<>();
        WorkflowStatus finishedAs;
        /** A submission's row: stored with every task of the workflow, in the transaction of its first step. */
        WorkflowRow newWorkflow;
        /** An attempt's news; later news of one already here (an end after its STARTED, a duplicate) is folded into its row. */
        void attempt(AttemptRow row) {
            attempts.merge(row.key(), row, AttemptRow::then);
        }
    }

    // ----- recovery -----------------------------------------------------------------------------

    /**
     * Rebuilds every unfinished workflow from Postgres before the Kafka listeners start, so no
     * report that arrived while the scheduler was down finds its workflow missing.
     */
    @Override
    public void afterSingletonsInstantiated() {
        for (UUID id : store.findActiveWorkflowIds()) {
            try {
                recover(id);
            } catch (RuntimeException e) {
                log.error("could not recover workflow {}; it stays as it was in the database", id, e);
                if (unrecoveredSince == null) { // ids come oldest first
                    unrecoveredSince = unrecoveredSubmission(id);
                }
            }
        }
    }

    /** When the workflow was submitted, or the epoch when even that cannot be read. */
    private Instant unrecoveredSubmission(UUID id) {
        try {
            return store.findWorkflow(id).map(WorkflowRow::submittedAt).orElse(Instant.EPOCH);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    /**
     * The earliest submission among workflows whose row may say RUNNING: those this scheduler drives
     * (in {@link #active} before their row is written, until after their end is) and those a restart
     * could not recover. Empty when there are none. A listing of running workflows reads only rows
     * submitted since, since their status is not indexed (see the scheduler's V4 migration).
     */
    public Optional<Instant> earliestRunningSubmission() {
        Instant earliest = unrecoveredSince;
        for (ActiveWorkflow workflow : active.values()) {
            if (earliest == null || workflow.submittedAt.isBefore(earliest)) {
                earliest = workflow.submittedAt;
            }
        }
        return Optional.ofNullable(earliest);
    }

    private void recover(UUID id) {
        WorkflowRow row = store.findWorkflow(id).orElseThrow();
        WorkflowPlan plan = planner.plan(WireCodec.readSpec(store.findSpec(id).orElseThrow()));
        List<String> batches = store.findTaskBatches(id);
        for (String batch : batches) {
            plan = plan.plus(planner.planAdditional(plan, WireCodec.readTasks(batch)));
        }
        List<TaskRow> rows = store.findTasks(id);
        List<AttemptRow> attempts = store.findAttempts(id);
        Map<String, Integer> lostAttempts = new HashMap<>();
        attempts.stream().filter(a -> AttemptRow.LOST.equals(a.status())).forEach(a -> lostAttempts.merge(a.taskId(), 1, Integer::sum));
        List<PersistedTask> persisted = rows.stream()
                .map(r -> new PersistedTask(r.taskId(), TaskState.valueOf(r.state()), r.attempt(),
                        r.resultJson() == null ? null : WireCodec.readValue(r.resultJson(), Object.class), null,
                        lostAttempts.getOrDefault(r.taskId(), 0)))
                .toList();
        WorkflowRun run = WorkflowRun.recover(plan, persisted, row.sealed());
        Instant now = clock.instant();
        ActiveWorkflow workflow = new ActiveWorkflow(id, row.name(), row.labelsJson(), row.submittedAt(), run, batches.size(), now);
        List<TaskMessage> resend = new ArrayList<>();
        synchronized (workflow) {
            Map<String, AttemptRow> currentAttempts = new LinkedHashMap<>();
            attempts.forEach(a -> currentAttempts.put(a.taskId(), a));
            for (TaskRow task : rows) {
                if (task.site() != null) {
                    workflow.siteOf.put(task.taskId(), task.site());
                }
                TaskState state = TaskState.valueOf(task.state());
                load.moved(task.site(), TaskState.WAITING, state); // counted from nothing: it was in flight before the restart
                AttemptRow attempt = currentAttempts.get(task.taskId());
                if (state == TaskState.RUNNING && attempt != null && attempt.blockId() != null) {
                    workflow.blockOf.put(task.taskId(), attempt.blockId());
                    blocks.expect(attempt.blockId(), task.site(), now);
                } else if (state.isInFlight() && task.site() != null) {
                    if (attempt != null && AttemptRow.QUEUED.equals(attempt.status())) {
                        workflow.queuedAt.put(task.taskId(), attempt.queuedAt()); // its row, once it has news, says since when
                    }
                    // The send may not have reached the broker before the restart; a duplicate is ignored.
                    PlannedTask planned = run.plannedTask(task.taskId());
                    resend.add(dispatcher.message(id.toString(), planned, task.attempt(), task.site(),
                            run.resolvedArgs(task.taskId()), run.resolvedInputs(task.taskId())));
                }
            }
            active.put(id, workflow);
            log.info("workflow {} '{}' recovered: {} tasks, {} in flight", id, row.name(), plan.size(),
                    run.count(TaskState.QUEUED) + run.count(TaskState.RUNNING));
            apply(workflow, run.start(now), now, List.of());
            dispatcher.send(resend);
        }
    }

    // ----- helpers ------------------------------------------------------------------------------

    private ActiveWorkflow activeOrThrow(UUID id) {
        ActiveWorkflow workflow = active.get(id);
        if (workflow != null) {
            return workflow;
        }
        WorkflowRow row = store.findWorkflow(id).orElseThrow(() -> new WorkflowNotFoundException(id));
        throw new WorkflowClosedException(id, "it already finished " + row.status());
    }

    private static Optional<UUID> parseId(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /** The first answer to a submission. */
    public record ActiveWorkflowSummary(UUID id, String name, String status, int taskCount) {
    }
}
