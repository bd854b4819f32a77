package dev.trellis.engine.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one event did to a workflow run, for the scheduler to apply: persist the changes, dispatch
 * the ready attempts, arm timers for the retries, stop caring about abandoned attempts.
 *
 * @param dispatch   attempts that became ready: look up the memo cache, else send to a site
 * @param changes    every task-state change in the order it happened
 * @param retries    retries scheduled; call {@link WorkflowRun#tick} at or after each time
 * @param abandoned  attempts in flight whose task was cancelled: ignore their results, kill if possible
 * @param finishedAs the workflow's final status when this event finished it, else null
 */
public record Step(
        List<Attempt> dispatch,
        List<StateChange> changes,
        List<RetryScheduled> retries,
        List<Attempt> abandoned,
        WorkflowStatus finishedAs) {

    /** What a duplicate or stale event does: nothing. */
    public static final Step NOTHING = new Step(List.of(), List.of(), List.of(), List.of(), null);

    public Step {
        dispatch = List.copyOf(dispatch);
        changes = List.copyOf(changes);
        retries = List.copyOf(retries);
        abandoned = List.copyOf(abandoned);
    }

    /** The status the workflow finished with, when this step finished it. */
    public Optional<WorkflowStatus> finished() {
        return Optional.ofNullable(finishedAs);
    }

    public boolean isEmpty() {
        return changes.isEmpty() && dispatch.isEmpty() && finishedAs == null;
    }

    /** One attempt of one task; attempts are numbered from 1. */
    public record Attempt(String taskId, int attempt) {
    }

    /** @param reason why, for people: "upstream task 'concat' failed", the error of the last attempt, ... */
    public record StateChange(String taskId, TaskState from, TaskState to, String reason) {
    }

    /** Attempt {@code attempt} of the task becomes ready at {@code at}. */
    public record RetryScheduled(String taskId, int attempt, Instant at) {
    }

    /** Collects a step while an event is applied; most events touch one task, so lists start empty. */
    static final class Builder {
        private List<Attempt> dispatch = List.of();
        private List<StateChange> changes = List.of();
        private List<RetryScheduled> retries = List.of();
        private List<Attempt> abandoned = List.of();
        private WorkflowStatus finishedAs;

        void dispatch(String taskId, int attempt) {
            dispatch = growable(dispatch);
            dispatch.add(new Attempt(taskId, attempt));
        }

        void changed(String taskId, TaskState from, TaskState to, String reason) {
            changes = growable(changes);
            changes.add(new StateChange(taskId, from, to, reason));
        }

        void retry(String taskId, int attempt, Instant at) {
            retries = growable(retries);
            retries.add(new RetryScheduled(taskId, attempt, at));
        }

        void abandoned(String taskId, int attempt) {
            abandoned = growable(abandoned);
            abandoned.add(new Attempt(taskId, attempt));
        }

        void finished(WorkflowStatus status) {
            finishedAs = status;
        }

        Step build() {
            if (changes.isEmpty() && dispatch.isEmpty() && finishedAs == null) {
                return NOTHING;
            }
            return new Step(dispatch, changes, retries, abandoned, finishedAs);
        }

        private static <T> List<T> growable(List<T> list) {
            return list instanceof ArrayList ? list : new ArrayList<>(list);
        }
    }
}
