package dev.trellis.scheduler.workflow;

import dev.trellis.engine.run.WorkflowStatus;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.protocol.spec.TaskSpec;
import dev.trellis.scheduler.SchedulerProperties;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The workflow REST API: submit (JSON or YAML), inspect, list, extend, seal, cancel, wait, follow. */
@RestController
@RequestMapping("/api/workflows")
class WorkflowController {

    private static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private final WorkflowCoordinator coordinator;
    private final WorkflowQueries queries;
    private final WorkflowEvents events;
    private final SchedulerProperties properties;

    WorkflowController(WorkflowCoordinator coordinator, WorkflowQueries queries, WorkflowEvents events,
                       SchedulerProperties properties) {
        this.coordinator = coordinator;
        this.queries = queries;
        this.events = events;
        this.properties = properties;
    }

    /**
     * Submits a workflow document (JSON or YAML). With {@code sealed=false} the workflow stays open
     * for {@code POST /{id}/tasks} until {@code POST /{id}/seal}. With {@code wait=30s} (a duration) the
     * answer is the workflow's view, as {@code /wait} gives it, once it finishes or that long passes.
     */
    @PostMapping(consumes = {"application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/plain"})
    ResponseEntity<?> submit(@RequestBody byte[] body, @RequestParam(defaultValue = "true") boolean sealed,
                             @RequestParam(required = false) String wait) throws InterruptedException {
        requireWithinSizeLimit(body);
        Duration waitFor = wait == null ? null : durationOf("wait", wait);
        WireCodec.SubmittedSpec spec = WireCodec.readSubmittedSpec(new String(body, StandardCharsets.UTF_8));
        WorkflowCoordinator.ActiveWorkflowSummary submitted = coordinator.submit(spec, sealed);
        SubmissionView submission = submissionView(submitted);
        ResponseEntity.BodyBuilder created = ResponseEntity.created(URI.create(submission.href()));
        // Submit-and-wait spares a one-off caller the second request, and the round trip it costs.
        return waitFor == null ? created.body(submission) : created.body(awaitView(submitted.id(), waitFor, false));
    }

    /**
     * Submits several workflows at once (a JSON array or YAML sequence of workflow documents), in
     * one transaction: all are accepted, or none (an invalid one is named by its index). Each is a
     * workflow of its own; the answer lists them in the order given.
     */
    @PostMapping(path = "/batch", consumes = {"application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/plain"})
    @ResponseStatus(HttpStatus.CREATED)
    List<SubmissionView> submitBatch(@RequestBody byte[] body, @RequestParam(defaultValue = "true") boolean sealed) {
        requireWithinSizeLimit(body);
        List<WireCodec.SubmittedSpec> specs = WireCodec.readSubmittedSpecs(new String(body, StandardCharsets.UTF_8));
        if (specs.isEmpty() || specs.size() > properties.limits().maxBatchWorkflows()) {
            throw new InvalidParameterException("body", specs.size() + " workflows",
                    "a batch of 1 to " + properties.limits().maxBatchWorkflows() + " workflows (trellis.scheduler.limits.max-batch-workflows)");
        }
        return coordinator.submitAll(specs, sealed).stream().map(WorkflowController::submissionView).toList();
    }

    private void requireWithinSizeLimit(byte[] body) {
        if (body.length > properties.limits().maxSpecSize().toBytes()) {
            throw new SpecTooLargeException(body.length, properties.limits().maxSpecSize().toBytes());
        }
    }

    private static SubmissionView submissionView(WorkflowCoordinator.ActiveWorkflowSummary summary) {
        return new SubmissionView(summary.id().toString(), summary.name(), summary.status(), summary.taskCount(),
                "/api/workflows/" + summary.id());
    }

    @GetMapping("/{id}")
    WorkflowView get(@PathVariable UUID id, @RequestParam(defaultValue = "false") boolean attempts) {
        return queries.get(id, attempts);
    }

    /**
     * Long-poll: answers when the workflow finishes, or after {@code timeout} with its state then.
     * A workflow that finishes during the wait is answered from the rows its last transaction just
     * wrote, held in memory, without reading them back.
     */
    @GetMapping("/{id}/wait")
    WorkflowView await(@PathVariable UUID id, @RequestParam(defaultValue = "30s") String timeout,
                       @RequestParam(defaultValue = "false") boolean attempts) throws InterruptedException {
        if (!coordinator.isActive(id)) {
            queries.requireExists(id);
        }
        return awaitView(id, durationOf("timeout", timeout), attempts);
    }

    /** The workflow once it finishes, or after {@code wait} (at most {@link #MAX_WAIT}) as it is then. */
    private WorkflowView awaitView(UUID id, Duration wait, boolean attempts) throws InterruptedException {
        Optional<WorkflowCoordinator.FinishedWorkflow> finished = coordinator.awaitFinished(id, wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait);
        return finished.isPresent() && !attempts ? queries.view(finished.get().rows()) : queries.get(id, attempts);
    }

    /**
     * Server-sent events: {@code snapshot} (the workflow now), then {@code task} for every state
     * change, then {@code workflow} with the final status, after which the stream ends.
     */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@PathVariable UUID id) {
        return events.follow(id, queries.get(id, false));
    }

    private static Duration durationOf(String parameter, String value) {
        try {
            return DurationStyle.detectAndParse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(parameter, value, "a duration such as 30s or 2m");
        }
    }

    @GetMapping
    List<WorkflowView> list(@RequestParam(required = false) String name, @RequestParam(required = false) String status,
                            @RequestParam(required = false) UUID after,
                            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        return queries.list(name, status == null ? null : statusOf(status), after, Math.max(0, page), Math.max(1, Math.min(size, 500)));
    }

    private static WorkflowStatus statusOf(String value) {
        try {
            return WorkflowStatus.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("status", value, "one of " + Arrays.toString(WorkflowStatus.values()));
        }
    }

    @PostMapping(path = "/{id}/tasks", consumes = {"application/json", "application/yaml", "application/x-yaml", "text/yaml"})
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Integer> addTasks(@PathVariable UUID id, @RequestBody byte[] body) {
        List<TaskSpec> tasks = WireCodec.readTasks(new String(body, StandardCharsets.UTF_8));
        return Map.of("added", coordinator.addTasks(id, tasks));
    }

    /** Checkpoints the cached results gathered since the last checkpoint (the {@code manual} mode's trigger). */
    @PostMapping("/{id}/checkpoint")
    Map<String, String> checkpoint(@PathVariable UUID id) {
        return coordinator.checkpoint(id).map(checkpointId -> Map.of("checkpointId", checkpointId))
                .orElseGet(() -> Map.of("checkpointId", ""));
    }

    @PostMapping("/{id}/seal")
    @ResponseStatus(HttpStatus.ACCEPTED)
    void seal(@PathVariable UUID id) {
        coordinator.seal(id);
    }

    @PostMapping("/{id}/cancel")
    @ResponseStatus(HttpStatus.ACCEPTED)
    void cancel(@PathVariable UUID id) {
        coordinator.cancel(id);
    }

    @PostMapping("/{id}/tasks/{taskId}/cancel")
    @ResponseStatus(HttpStatus.ACCEPTED)
    void cancelTask(@PathVariable UUID id, @PathVariable String taskId) {
        coordinator.cancelTask(id, taskId);
    }
}
