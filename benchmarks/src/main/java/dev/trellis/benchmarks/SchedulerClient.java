package dev.trellis.benchmarks;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.standalone.RestClient;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Submits workflows and waits for them over the scheduler's REST API. */
final class SchedulerClient {

    private static final Duration LONGEST_WAIT = Duration.ofMinutes(30);

    private final RestClient rest;

    SchedulerClient(int port) {
        this.rest = new RestClient(port);
    }

    SubmissionView submit(String document) {
        return WireCodec.readValue(createdBody("/api/workflows", document), SubmissionView.class);
    }

    /** Submits a batch document ({@code POST /api/workflows/batch}). */
    List<SubmissionView> submitBatch(String document) {
        return List.of(WireCodec.readValue(createdBody("/api/workflows/batch", document), SubmissionView[].class));
    }

    /** POSTs the document to {@code path}; fails unless it was accepted (201). @return the answer's body */
    private String createdBody(String path, String document) {
        HttpResponse<String> response = rest.post(path, "application/json", document);
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST " + path + " refused (HTTP " + response.statusCode() + "): " + response.body());
        }
        return response.body();
    }

    /**
     * Waits until no workflow named {@code name} runs, polling the list (one request, not one per
     * workflow); fails unless every one SUCCEEDED. @return the latest of their {@code finishedAtMillis}
     */
    long awaitAllSucceeded(String name, int count) throws InterruptedException {
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        while (!list(name, "RUNNING", null, 1).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("workflows named " + name + " still ran after " + LONGEST_WAIT);
            }
            Thread.sleep(20);
        }
        long lastFinished = 0;
        int succeeded = 0;
        for (String after = null; ; ) {
            List<WorkflowView> views = list(name, null, after, 500);
            for (WorkflowView view : views) {
                if (!"SUCCEEDED".equals(view.status())) {
                    throw new IllegalStateException("workflow " + view.id() + " ended " + view.status());
                }
                succeeded++;
                lastFinished = Math.max(lastFinished, view.finishedAtMillis());
            }
            if (views.size() < 500) {
                break;
            }
            after = views.get(views.size() - 1).id(); // pages on from there: an offset would walk every earlier page again
        }
        if (succeeded != count) {
            throw new IllegalStateException(succeeded + " workflows named " + name + " succeeded, not " + count);
        }
        return lastFinished;
    }

    /** @param after null for the first page */
    private List<WorkflowView> list(String name, String status, String after, int size) {
        String query = "/api/workflows?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&size=" + size
                + (status == null ? "" : "&status=" + status) + (after == null ? "" : "&after=" + after);
        return List.of(WireCodec.readValue(rest.get(query).body(), WorkflowView[].class));
    }

    /** Long-polls {@code /wait} until the workflow has finished; fails unless it SUCCEEDED. */
    WorkflowView awaitSucceeded(String workflowId) {
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            WorkflowView view = WireCodec.readValue(rest.get("/api/workflows/" + workflowId + "/wait?timeout=60s").body(), WorkflowView.class);
            if (!"RUNNING".equals(view.status())) {
                return succeeded(view);
            }
        }
        throw new IllegalStateException("workflow " + workflowId + " did not finish within " + LONGEST_WAIT);
    }

    /**
     * Submits with {@code ?wait=60s}, one request answered once the workflow finished, then long-polls
     * if it still ran; fails unless it SUCCEEDED.
     */
    WorkflowView submitAndAwaitSucceeded(String document) {
        WorkflowView view = WireCodec.readValue(createdBody("/api/workflows?wait=60s", document), WorkflowView.class);
        return "RUNNING".equals(view.status()) ? awaitSucceeded(view.id()) : succeeded(view);
    }

    private static WorkflowView succeeded(WorkflowView finished) {
        if (!"SUCCEEDED".equals(finished.status())) {
            throw new IllegalStateException("workflow " + finished.id() + " ended " + finished.status() + ": " + finished.taskCounts());
        }
        return finished;
    }

    void cancel(String workflowId) {
        rest.post("/api/workflows/" + workflowId + "/cancel", "application/json", "");
    }
}
