package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.TaskView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.testsupport.LocalHttp;
import tools.jackson.core.type.TypeReference;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The workflow REST API as a test's user sees it: submit YAML, wait, read tasks and problems. */
public final class WorkflowApi {

    static final String WORKFLOWS = "/api/workflows";
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() { };
    private static final Duration POLL = Duration.ofMillis(50);

    private final LocalHttp http;

    public WorkflowApi(int port) {
        this.http = new LocalHttp(port);
    }

    public LocalHttp http() {
        return http;
    }

    /** Submits a sealed workflow and checks it was accepted. */
    public SubmissionView submit(String yaml) {
        return accepted(http.post(WORKFLOWS, "application/yaml", yaml));
    }

    /** Submits an open workflow ({@code ?sealed=false}) and checks it was accepted. */
    SubmissionView submitOpen(String yaml) {
        return accepted(http.post(WORKFLOWS + "?sealed=false", "application/yaml", yaml));
    }

    HttpResponse<String> post(String path, String yaml) {
        return http.post(path, "application/yaml", yaml);
    }

    /** Long-polls until the workflow finishes and checks it did; every attempt included. */
    public WorkflowView awaitFinished(String id) {
        WorkflowView view = WireCodec.readValue(
                http.get(WORKFLOWS + "/" + id + "/wait?timeout=90s&attempts=true").body(), WorkflowView.class);
        assertThat(view.status()).as("still running after 90 s: %s", WireCodec.writeString(view)).isNotEqualTo("RUNNING");
        return view;
    }

    /** Long-polls for at most {@code timeout} and returns the workflow as it is then, finished or not. */
    public WorkflowView awaitFinishedOrNot(String id, String timeout) {
        return WireCodec.readValue(http.get(WORKFLOWS + "/" + id + "/wait?timeout=" + timeout).body(), WorkflowView.class);
    }

    public WorkflowView get(String id) {
        HttpResponse<String> response = http.get(WORKFLOWS + "/" + id + "?attempts=true");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return WireCodec.readValue(response.body(), WorkflowView.class);
    }

    /** Polls until the workflow shows {@code condition}; fails after a generous timeout. */
    WorkflowView awaitView(String id, String what, Predicate<WorkflowView> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        WorkflowView view = get(id);
        while (!condition.test(view)) {
            assertThat(System.nanoTime()).as("waited 60 s for %s; the workflow shows %s", what, WireCodec.writeString(view))
                    .isLessThan(deadline);
            sleep(POLL);
            view = get(id);
        }
        return view;
    }

    /** Polls until the task is in {@code state}. */
    WorkflowView awaitTask(String id, String taskId, String state) {
        return awaitView(id, "task '" + taskId + "' to be " + state, view -> state.equals(task(view, taskId).state()));
    }

    List<WorkflowView> listByName(String name) {
        return list("name=" + name + "&size=500");
    }

    /** {@code GET /api/workflows?query}, checked to succeed. */
    List<WorkflowView> list(String query) {
        HttpResponse<String> response = http.get(WORKFLOWS + "?" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return List.of(WireCodec.readValue(response.body(), WorkflowView[].class));
    }

    public static TaskView task(WorkflowView view, String taskId) {
        return view.tasks().stream().filter(t -> t.id().equals(taskId)).findFirst()
                .orElseThrow(() -> new AssertionError("no task '" + taskId + "' in " + WireCodec.writeString(view)));
    }

    static long resultOf(WorkflowView view, String taskId) {
        Object result = task(view, taskId).result();
        assertThat(result).as("result of '%s'", taskId).isInstanceOf(Number.class);
        return ((Number) result).longValue();
    }

    /** The RFC 9457 body of an error response, after checking it is one. */
    static Map<String, Object> problem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        Map<String, Object> problem = WireCodec.readValue(response.body(), JSON_OBJECT);
        assertThat(problem).containsEntry("status", status).containsKeys("title", "detail", "instance");
        return problem;
    }

    private static SubmissionView accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return WireCodec.readValue(response.body(), SubmissionView.class);
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
