package dev.trellis.benchmarks;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.standalone.RestClient;

import java.net.http.HttpResponse;
import java.time.Duration;

/** Submits workflows and waits for them over the scheduler's REST API. */
final class SchedulerClient {

    private static final Duration LONGEST_WAIT = Duration.ofMinutes(30);

    private final RestClient rest;

    SchedulerClient(int port) {
        this.rest = new RestClient(port);
    }

    SubmissionView submit(String document) {
        HttpResponse<String> response = rest.post("/api/workflows", "application/json", document);
        if (response.statusCode() != 201) {
            throw new IllegalStateException("submission refused (HTTP " + response.statusCode() + "): " + response.body());
        }
        return WireCodec.readValue(response.body(), SubmissionView.class);
    }

    /** Long-polls {@code /wait} until the workflow has finished; fails unless it SUCCEEDED. */
    WorkflowView awaitSucceeded(String workflowId) {
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            WorkflowView view = WireCodec.readValue(rest.get("/api/workflows/" + workflowId + "/wait?timeout=60s").body(), WorkflowView.class);
            if (!"RUNNING".equals(view.status())) {
                if (!"SUCCEEDED".equals(view.status())) {
                    throw new IllegalStateException("workflow " + workflowId + " ended " + view.status() + ": " + view.taskCounts());
                }
                return view;
            }
        }
        throw new IllegalStateException("workflow " + workflowId + " did not finish within " + LONGEST_WAIT);
    }

    void cancel(String workflowId) {
        rest.post("/api/workflows/" + workflowId + "/cancel", "application/json", "");
    }
}
