package dev.trellis.scheduler.workflow;

import dev.trellis.engine.run.TaskState;
import dev.trellis.engine.run.WorkflowStatus;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.AttemptView;
import dev.trellis.protocol.api.TaskView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.store.AttemptRow;
import dev.trellis.scheduler.store.TaskRow;
import dev.trellis.scheduler.store.WorkflowListing;
import dev.trellis.scheduler.store.WorkflowRow;
import dev.trellis.scheduler.store.WorkflowStore;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Reads workflows back from Postgres, the source of truth, for the REST API. */
@Service
public class WorkflowQueries {

    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() { };

    private final WorkflowStore store;
    private final WorkflowCoordinator coordinator;

    WorkflowQueries(WorkflowStore store, WorkflowCoordinator coordinator) {
        this.store = store;
        this.coordinator = coordinator;
    }

    public WorkflowView get(UUID id, boolean withAttempts) {
        WorkflowRow row = requireExists(id);
        return viewWithTasks(row, store.findTasks(id), withAttempts ? store.findAttempts(id) : null);
    }

    /** The view of rows the scheduler already holds, such as a workflow's just after it finished; without attempts. */
    public WorkflowView view(WorkflowCoordinator.WorkflowRows rows) {
        return viewWithTasks(rows.workflow(), rows.tasks(), null);
    }

    /** @param attemptRows null to leave attempts out */
    private static WorkflowView viewWithTasks(WorkflowRow row, List<TaskRow> tasks, List<AttemptRow> attemptRows) {
        Map<String, List<AttemptView>> attempts = attemptRows == null ? Map.of()
                : attemptRows.stream().collect(Collectors.groupingBy(AttemptRow::taskId, LinkedHashMap::new,
                        Collectors.mapping(WorkflowQueries::attemptView, Collectors.toList())));
        List<TaskView> taskViews = new ArrayList<>(tasks.size());
        for (TaskRow task : tasks) {
            taskViews.add(new TaskView(task.taskId(), task.appName(), task.state(), task.attempt(), task.site(),
                    task.resultJson() == null ? null : WireCodec.readValue(task.resultJson(), Object.class),
                    task.error(), attemptRows == null ? null : attempts.getOrDefault(task.taskId(), List.of())));
        }
        taskViews.sort(Comparator.comparing(TaskView::id, WorkflowQueries::naturalOrder));
        return view(row, counts(tasks), taskViews);
    }

    /** The workflow's row alone: enough to answer 404, without reading every task. */
    public WorkflowRow requireExists(UUID id) {
        return store.findWorkflow(id).orElseThrow(() -> new WorkflowNotFoundException(id));
    }

    /**
     * @param status null for every status
     * @param after  null, or the workflow the page begins after
     */
    public List<WorkflowView> list(String name, WorkflowStatus status, UUID after, int page, int size) {
        WorkflowRow afterRow = after == null ? null : store.findWorkflow(after)
                .orElseThrow(() -> new InvalidParameterException("after", after, "the id of a workflow"));
        Instant submittedFrom = null;
        if (status == WorkflowStatus.RUNNING) {
            // Without this bound, a listing that finds none running would read every row.
            Optional<Instant> earliest = coordinator.earliestRunningSubmission();
            if (earliest.isEmpty()) {
                return List.of();
            }
            submittedFrom = earliest.get();
        }
        WorkflowListing listing = new WorkflowListing(name, status == null ? null : status.name(), submittedFrom, afterRow,
                page * size, size);
        return store.listWorkflows(listing).stream().map(row -> view(row, null, null)).toList();
    }

    private static Map<String, Integer> counts(List<TaskRow> tasks) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TaskState state : TaskState.values()) {
            counts.put(state.name(), 0);
        }
        tasks.forEach(t -> counts.merge(t.state(), 1, Integer::sum));
        return counts;
    }

    private static WorkflowView view(WorkflowRow row, Map<String, Integer> counts, List<TaskView> tasks) {
        return new WorkflowView(row.id().toString(), row.name(), row.status(), row.sealed(),
                WireCodec.readValue(row.labelsJson(), LABELS), row.submittedAt().toEpochMilli(),
                row.finishedAt() == null ? null : row.finishedAt().toEpochMilli(), row.taskCount(), counts, tasks);
    }

    private static AttemptView attemptView(AttemptRow a) {
        return new AttemptView(a.attempt(), a.site(), a.status(), a.blockId(), a.workerId(), a.pid(), a.exitCode(),
                a.error(), a.stdoutTail(), a.stderrTail(), millis(a.queuedAt()), millis(a.startedAt()), millis(a.finishedAt()));
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    /** "generate-10" after "generate-9": ids generated from templates read in their natural order. */
    private static int naturalOrder(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                int byLength = Integer.compare(i - si, j - sj);
                int byDigits = a.substring(si, i).compareTo(b.substring(sj, j));
                if (byLength != 0 && !a.substring(si, i).startsWith("0") && !b.substring(sj, j).startsWith("0")) {
                    return byLength;
                }
                if (byDigits != 0) {
                    return byDigits;
                }
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
