package dev.trellis.checkpoint.checkpoint;

import dev.trellis.checkpoint.MemoApi;
import dev.trellis.checkpoint.RunningCheckpointService;
import dev.trellis.checkpoint.WorkflowRun;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.memo.CheckpointView;
import dev.trellis.protocol.memo.MemoStoreBatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.UUID;

import static dev.trellis.checkpoint.WorkflowRun.aRunOfANewWorkflow;
import static org.assertj.core.api.Assertions.assertThat;

@RunningCheckpointService
class CheckpointApiTest {

    @Value("${local.server.port}")
    int port;

    MemoApi api;

    @BeforeEach
    void connect() {
        api = new MemoApi(port);
    }

    @Test
    void aRecordedCheckpointIsShownByItsId() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoStoreBatch batch = run.checkpointAt(1_234, run.finishedTask("a"), run.finishedTask("b"));
        api.sendAndAwait(batch);

        var response = api.http().get("/api/checkpoints/" + batch.batchId());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(WireCodec.readValue(response.body(), CheckpointView.class))
                .isEqualTo(new CheckpointView(batch.batchId(), run.workflowName(), run.workflowId(), "task_exit", 1_234, 2));
    }

    @Test
    void anUnknownCheckpointIsANotFoundProblemWithTheRequestPathAsInstance() {
        for (String id : new String[] {UUID.randomUUID().toString(), "not-a-uuid"}) {
            var response = api.http().get("/api/checkpoints/" + id);

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = JsonMapper.shared().readTree(response.body());
            assertThat(problem.get("type").asString()).isEqualTo("https://trellis.dev/problems/not-found");
            assertThat(problem.get("title").asString()).isEqualTo("Not found");
            assertThat(problem.get("status").asInt()).isEqualTo(404);
            assertThat(problem.get("detail").asString()).isEqualTo("no checkpoint has the id '" + id + "'");
            assertThat(problem.get("instance").asString()).isEqualTo("/api/checkpoints/" + id);
        }
    }

    @Test
    void listingWithoutAWorkflowNameIsABadRequestProblem() {
        var response = api.http().get("/api/checkpoints");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = JsonMapper.shared().readTree(response.body());
        assertThat(problem.get("type").asString()).isEqualTo("https://trellis.dev/problems/invalid-request");
        assertThat(problem.get("instance").asString()).isEqualTo("/api/checkpoints");
        assertThat(problem.get("detail").asString()).contains("workflowName");
    }

    @Test
    void aWorkflowNameThatNeverCheckpointedHasAnEmptyList() {
        assertThat(api.checkpoints("never-ran-" + UUID.randomUUID())).isEmpty();
    }
}
