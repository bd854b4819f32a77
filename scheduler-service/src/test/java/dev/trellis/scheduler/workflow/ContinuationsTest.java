package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.AttemptView;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.TestBlocks;
import dev.trellis.testsupport.TopicProbe;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.trellis.scheduler.workflow.WorkflowApi.WORKFLOWS;
import static dev.trellis.scheduler.workflow.WorkflowApi.resultOf;
import static dev.trellis.scheduler.workflow.WorkflowApi.task;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task's only dependent rides aboard the task's message and runs on the same block once the task
 * succeeds: a chain crosses the broker once for two links. It must still behave as if sent alone.
 */
@SchedulerIntegrationTest
class ContinuationsTest extends WorkflowApiTestBase {

    @Test
    void everySecondLinkOfAChainRidesWithTheOneBeforeItAndTakesItsResult() {
        try (TopicProbe threads = TopicProbe.watch(Topics.tasks("threads")); TopicProbe pilot = TopicProbe.watch(Topics.tasks("pilot"))) {
            SubmissionView submitted = api.submit("""
                    name: continuation-chain
                    apps:
                      echo: {type: java, function: echo}
                    tasks:
                      - {id: a, app: echo, args: {value: 7}}
                      - {id: b, app: echo, args: {value: "${a.result}"}}
                      - {id: c, app: echo, args: {value: "${b.result}"}}
                      - {id: d, app: echo, args: {value: "${c.result}"}}
                    """);

            WorkflowView done = api.awaitFinished(submitted.id());

            assertThat(done.status()).isEqualTo("SUCCEEDED");
            assertThat(List.of("a", "b", "c", "d")).allSatisfy(id -> {
                assertThat(resultOf(done, id)).isEqualTo(7);
                assertThat(task(done, id).attempts()).singleElement().extracting(AttemptView::status).isEqualTo("SUCCEEDED");
            });
            assertThat(task(done, "b").attempts().get(0).blockId()).isEqualTo(task(done, "a").attempts().get(0).blockId());
            // /wait can answer before the probes have read the messages: wait for the two sent, then look for more.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            List<TaskMessage> sent = sentOn(List.of(threads, pilot), submitted.id());
            while (sent.size() < 2 && System.nanoTime() < deadline) {
                sent = sentOn(List.of(threads, pilot), submitted.id());
            }
            assertThat(sent).extracting(TaskMessage::taskId).containsExactlyInAnyOrder("a", "c");
            assertThat(sent).extracting(message -> message.then().taskId()).containsExactlyInAnyOrder("b", "d");
        }
    }

    @Test
    void aDependentCancelledWhileItsUpstreamRunsNeverRunsThere() throws IOException {
        SubmissionView submitted = api.submit("""
                name: continuation-cancelled
                apps:
                  nap: {type: bash, command: "sleep 3"}
                  mark: {type: bash, command: "echo ran >> {outputs[0]}"}
                tasks:
                  - {id: nap, app: nap}
                  - {id: mark, app: mark, after: [nap], outputs: [mark.txt]}
                """);
        api.awaitTask(submitted.id(), "nap", "RUNNING");

        assertThat(api.http().post(WORKFLOWS + "/" + submitted.id() + "/tasks/mark/cancel", "application/json", "").statusCode())
                .isEqualTo(202);
        WorkflowView done = api.awaitFinished(submitted.id());
        WorkflowApi.sleep(Duration.ofSeconds(1)); // a block that ran it anyway would have by now

        assertThat(task(done, "nap").state()).isEqualTo("SUCCEEDED");
        assertThat(task(done, "mark").state()).isEqualTo("CANCELLED");
        assertThat(TestBlocks.DATA_ROOT.resolve(submitted.id()).resolve("mark.txt")).doesNotExist();
    }

    @Test
    void aDependentOfATaskReportedStartedStillRidesAndRunsOnce() throws IOException {
        SubmissionView submitted = api.submit("""
                name: continuation-after-started
                apps:
                  nap: {type: bash, command: "sleep 1"}
                  mark: {type: bash, command: "echo ran >> {outputs[0]}"}
                tasks:
                  - {id: nap, app: nap}
                  - {id: mark, app: mark, after: [nap], outputs: [mark.txt]}
                """);

        WorkflowView done = api.awaitFinished(submitted.id());
        WorkflowApi.sleep(Duration.ofSeconds(1)); // a second run, had it been sent on its own too, would have ended by now

        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(task(done, "nap").attempts()).singleElement().extracting(AttemptView::startedAtMillis).isNotNull();
        assertThat(task(done, "mark").attempts()).singleElement().extracting(AttemptView::blockId)
                .isEqualTo(task(done, "nap").attempts().get(0).blockId());
        assertThat(Files.readAllLines(TestBlocks.DATA_ROOT.resolve(submitted.id()).resolve("mark.txt"))).containsExactly("ran");
    }

    @Test
    void aDependentRunsOnceAfterItsUpstreamNeededARetry() throws IOException {
        SubmissionView submitted = api.submit("""
                name: continuation-after-retry
                settings: {retryBackoffMs: 50}
                apps:
                  flaky: {type: bash, retries: 1, command: "echo try >> {outputs[0]}; [ $(wc -l < {outputs[0]}) -ge 2 ] || exit 7"}
                  mark: {type: bash, command: "echo ran >> {outputs[0]}"}
                tasks:
                  - {id: flaky, app: flaky, outputs: [tries.txt]}
                  - {id: mark, app: mark, after: [flaky], outputs: [mark.txt]}
                """);

        WorkflowView done = api.awaitFinished(submitted.id());
        WorkflowApi.sleep(Duration.ofSeconds(1));

        assertThat(done.status()).isEqualTo("SUCCEEDED");
        assertThat(task(done, "flaky").attempts()).extracting(AttemptView::status).containsExactly("FAILED", "SUCCEEDED");
        assertThat(task(done, "mark").attempts()).singleElement().extracting(AttemptView::status).isEqualTo("SUCCEEDED");
        assertThat(Files.readAllLines(TestBlocks.DATA_ROOT.resolve(submitted.id()).resolve("mark.txt"))).containsExactly("ran");
    }

    private static List<TaskMessage> sentOn(List<TopicProbe> topics, String workflowId) {
        List<TaskMessage> sent = new ArrayList<>();
        for (TopicProbe topic : topics) {
            topic.receivedSoFar(r -> r.key().startsWith(workflowId + "/")).stream()
                    .map(ConsumerRecord::value).map(value -> WireCodec.read(value, TaskMessage.class)).forEach(sent::add);
        }
        return sent;
    }
}
