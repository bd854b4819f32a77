package dev.trellis.checkpoint.memo;

import dev.trellis.checkpoint.MemoApi;
import dev.trellis.checkpoint.RunningCheckpointService;
import dev.trellis.checkpoint.WorkflowRun;
import dev.trellis.protocol.memo.CheckpointView;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreBatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.UUID;

import static dev.trellis.checkpoint.MemoApi.keys;
import static dev.trellis.checkpoint.WorkflowRun.aRunOfANewWorkflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

@RunningCheckpointService
class MemoInvalidationTest {

    @Value("${local.server.port}")
    int port;

    MemoApi api;

    @BeforeEach
    void connect() {
        api = new MemoApi(port);
    }

    @Test
    void anInvalidatedKeyIsNoLongerFoundAndInvalidatingItAgainIsANotFoundProblem() {
        MemoRecord entry = aRunOfANewWorkflow().finishedTask("t");
        api.store(entry);

        assertThat(api.http().delete("/api/memo/entries/" + entry.cacheKey()).statusCode()).isEqualTo(204);
        var again = api.http().delete("/api/memo/entries/" + entry.cacheKey());

        assertThat(again.statusCode()).isEqualTo(404);
        JsonNode problem = JsonMapper.shared().readTree(again.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://trellis.dev/problems/not-found");
        assertThat(problem.get("instance").asString()).isEqualTo("/api/memo/entries/" + entry.cacheKey());
        assertThat(api.lookup(keys(entry), null)).isEmpty();
    }

    @Test
    void invalidatingAnAppRemovesEveryEntryOfThatAppAndNoOther() {
        WorkflowRun run = aRunOfANewWorkflow();
        String app = "app-" + UUID.randomUUID();
        MemoRecord first = run.finishedTask("1", app, 1_000);
        MemoRecord second = run.finishedTask("2", app, 1_000);
        MemoRecord otherApp = run.finishedTask("3");
        api.store(first, second, otherApp);

        var response = api.http().delete("/api/memo/entries?app=" + app);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JsonMapper.shared().readTree(response.body()).get("invalidated").asInt()).isEqualTo(2);
        assertThat(api.lookup(keys(first, second, otherApp), null)).containsExactly(otherApp.cacheKey());
    }

    @Test
    void invalidatingAWorkflowRemovesEveryEntryItsRunsStoredEvenKeysAnotherWorkflowStoredSince() {
        WorkflowRun firstRun = aRunOfANewWorkflow();
        WorkflowRun secondRun = firstRun.rerun();
        WorkflowRun otherWorkflow = aRunOfANewWorkflow();
        MemoRecord fromFirstRun = firstRun.finishedTask("a");
        MemoRecord fromSecondRun = secondRun.finishedTask("b");
        MemoRecord shared = firstRun.finishedTask("shared");
        MemoRecord sharedStoredByOther = new MemoRecord(shared.cacheKey(), shared.appName(), otherWorkflow.workflowName(),
                otherWorkflow.workflowId(), "same-task", shared.result(), shared.outputs(), shared.createdAtMillis() + 1);
        MemoRecord otherOnly = otherWorkflow.finishedTask("c");
        MemoStoreBatch firstCheckpoint = firstRun.checkpointAt(1_000, fromFirstRun, shared);
        api.sendAndAwait(firstCheckpoint);
        api.sendAndAwait(secondRun.uncheckpointed(fromSecondRun));
        api.store(sharedStoredByOther, otherOnly);

        var response = api.http().delete("/api/memo/entries?workflow=" + firstRun.workflowName());

        assertThat(JsonMapper.shared().readTree(response.body()).get("invalidated").asInt()).isEqualTo(3);
        assertThat(api.lookup(keys(fromFirstRun, fromSecondRun, shared, otherOnly), null)).containsExactly(otherOnly.cacheKey());
        assertThat(api.checkpoints(firstRun.workflowName())).as("the checkpoint stays, naming no entry now")
                .extracting(CheckpointView::id, CheckpointView::entryCount).containsExactly(tuple(firstCheckpoint.batchId(), 0));
    }

    @Test
    void invalidatingWithNeitherOrBothOfAppAndWorkflowIsABadRequestProblem() {
        for (String query : new String[] {"", "?app=a&workflow=w", "?app=&workflow="}) {
            var response = api.http().delete("/api/memo/entries" + query);

            assertThat(response.statusCode()).as(query).isEqualTo(400);
            JsonNode problem = JsonMapper.shared().readTree(response.body());
            assertThat(problem.get("type").asString()).isEqualTo("https://trellis.dev/problems/invalid-request");
            assertThat(problem.get("instance").asString()).isEqualTo("/api/memo/entries");
            assertThat(problem.get("errors").get(0).asString()).contains("exactly one of the query parameters app and workflow");
        }
    }
}
