package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.TestBlocks;
import dev.trellis.scheduler.TestCheckpointService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The checkpoint-service goes away mid-workflow: the workflow still runs, and its results reach the service once it is back. */
@SchedulerIntegrationTest
class CheckpointOutageTest {

    @Value("${local.server.port}")
    int port;

    @BeforeAll
    static void start() {
        TestBlocks.ensure("threads", 4);
    }

    @AfterAll
    static void restore() {
        TestCheckpointService.start();
    }

    @Test
    void workflowsRunWithoutTheCheckpointServiceAndTheirResultsArriveWhenItIsBack() {
        TestCheckpointService.stop();
        WorkflowApi api = new WorkflowApi(port);
        String name = "outage-" + UUID.randomUUID();

        WorkflowView done = api.awaitFinished(api.submit(
                CachingTest.slowDouble(name, "checkpoint: {mode: task_exit, resumeFrom: [latest]}")).id());

        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(done.tasks()).allSatisfy(t -> assertThat(t.state()).isEqualTo("SUCCEEDED"));
        assertThat(api.http().get("/actuator/prometheus").body()).containsPattern("trellis_memo_unavailable_total\\{[^}]*} [1-9]");

        TestCheckpointService.start();
        CachingTest.awaitCheckpointedResults(name, 5);
    }
}
