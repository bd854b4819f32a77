package dev.trellis.checkpoint.memo;

import dev.trellis.checkpoint.MemoApi;
import dev.trellis.checkpoint.RunningCheckpointService;
import dev.trellis.checkpoint.WorkflowRun;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.memo.CheckpointView;
import dev.trellis.protocol.memo.MemoLookupRequest;
import dev.trellis.protocol.memo.MemoLookupRequest.ResumeScope;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreBatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.UUID;

import static dev.trellis.checkpoint.MemoApi.all;
import static dev.trellis.checkpoint.MemoApi.ids;
import static dev.trellis.checkpoint.MemoApi.keys;
import static dev.trellis.checkpoint.MemoApi.latest;
import static dev.trellis.checkpoint.WorkflowRun.aRunOfANewWorkflow;
import static org.assertj.core.api.Assertions.assertThat;

/** A rerun chooses which stored results it may reuse: the latest run's checkpoints, named checkpoints, or all. */
@RunningCheckpointService
class ResumeScopeLookupTest {

    @Value("${local.server.port}")
    int port;

    MemoApi api;

    @BeforeEach
    void connect() {
        api = new MemoApi(port);
    }

    @Test
    void incrementalCheckpointsOfOneRunAreAllListedNewestFirstWithTheirEntryCounts() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoStoreBatch first = run.checkpointAt(1_000, run.finishedTask("a"), run.finishedTask("b"));
        MemoStoreBatch second = run.checkpointAt(2_000, run.finishedTask("c"));
        MemoStoreBatch third = run.checkpointAt(3_000, run.finishedTask("d"), run.finishedTask("e"), run.finishedTask("f"));

        api.sendAndAwait(first, second, third);

        assertThat(api.checkpoints(run.workflowName())).containsExactly(
                new CheckpointView(third.batchId(), run.workflowName(), run.workflowId(), "task_exit", 3_000, 3),
                new CheckpointView(second.batchId(), run.workflowName(), run.workflowId(), "task_exit", 2_000, 1),
                new CheckpointView(first.batchId(), run.workflowName(), run.workflowId(), "task_exit", 1_000, 2));
    }

    @Test
    void latestFindsEntriesFromEveryCheckpointOfTheNewestRunButNotFromAnOlderRun() {
        WorkflowRun older = aRunOfANewWorkflow();
        WorkflowRun newest = older.rerun();
        MemoRecord onlyInOlder = older.finishedTask("only-in-older");
        MemoRecord newestFirst = newest.finishedTask("newest-first");
        MemoRecord newestSecond = newest.finishedTask("newest-second");
        api.sendAndAwait(older.checkpointAt(1_000, onlyInOlder));
        api.sendAndAwait(newest.checkpointAt(2_000, newestFirst), newest.checkpointAt(3_000, newestSecond));

        List<String> found = api.lookup(keys(onlyInOlder, newestFirst, newestSecond), latest(older.workflowName()));

        assertThat(found).containsExactlyInAnyOrder(newestFirst.cacheKey(), newestSecond.cacheKey());
    }

    @Test
    void latestSkipsTheAskingRunSoItsOwnFirstCheckpointDoesNotHideTheRunItResumesFrom() {
        WorkflowRun earlier = aRunOfANewWorkflow();
        WorkflowRun asking = earlier.rerun();
        MemoRecord fromEarlier = earlier.finishedTask("from-earlier");
        MemoRecord fromAsking = asking.finishedTask("from-asking");
        api.sendAndAwait(earlier.checkpointAt(1_000, fromEarlier));
        api.sendAndAwait(asking.checkpointAt(2_000, fromAsking));

        List<String> found = api.lookup(keys(fromEarlier, fromAsking),
                new ResumeScope(ResumeScope.Kind.LATEST, earlier.workflowName(), List.of(), asking.workflowId()));

        assertThat(found).containsExactly(fromEarlier.cacheKey());
    }

    @Test
    void theNewestRunIsTheOneWhoseCheckpointWasTakenLastNotTheOneStoredLast() {
        WorkflowRun newest = aRunOfANewWorkflow();
        WorkflowRun older = newest.rerun();
        MemoRecord fromNewest = newest.finishedTask("newest");
        MemoRecord fromOlder = older.finishedTask("older");
        // The older run's checkpoint arrives last, as when this service catches up with the topic after an outage.
        api.sendAndAwait(newest.checkpointAt(5_000, fromNewest));
        api.sendAndAwait(older.checkpointAt(4_000, fromOlder));

        assertThat(api.lookup(keys(fromNewest, fromOlder), latest(newest.workflowName()))).containsExactly(fromNewest.cacheKey());
    }

    @Test
    void latestFindsNothingForAWorkflowNameWithoutCheckpointsNorEntriesStoredWithoutOne() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoRecord uncheckpointed = run.finishedTask("stored-only");
        api.sendAndAwait(run.uncheckpointed(uncheckpointed));

        assertThat(api.lookup(keys(uncheckpointed), latest(run.workflowName()))).isEmpty();
        assertThat(api.lookup(keys(uncheckpointed), latest("never-ran-" + UUID.randomUUID()))).isEmpty();
    }

    @Test
    void idsFindsOnlyEntriesOfTheNamedCheckpointsOfAnyRun() {
        WorkflowRun first = aRunOfANewWorkflow();
        WorkflowRun second = first.rerun();
        MemoRecord a = first.finishedTask("a");
        MemoRecord b = first.finishedTask("b");
        MemoRecord c = second.finishedTask("c");
        MemoStoreBatch withA = first.checkpointAt(1_000, a);
        MemoStoreBatch withB = first.checkpointAt(2_000, b);
        MemoStoreBatch withC = second.checkpointAt(3_000, c);
        api.sendAndAwait(withA, withB);
        api.sendAndAwait(withC);

        assertThat(api.lookup(keys(a, b, c), ids(withA.batchId(), withC.batchId()))).containsExactlyInAnyOrder(a.cacheKey(), c.cacheKey());
        assertThat(api.lookup(keys(a, b, c), ids())).isEmpty();
        assertThat(api.lookup(keys(a, b, c), ids(UUID.randomUUID().toString()))).isEmpty();
    }

    @Test
    void allAndNoScopeFindEveryStoredEntryWhetherCheckpointedOrNot() {
        WorkflowRun run = aRunOfANewWorkflow();
        MemoRecord checkpointed = run.finishedTask("checkpointed");
        MemoRecord uncheckpointed = run.finishedTask("stored-only");
        api.sendAndAwait(run.checkpointAt(1_000, checkpointed), run.uncheckpointed(uncheckpointed));

        List<String> keys = keys(checkpointed, uncheckpointed);
        assertThat(api.lookup(keys, all())).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(api.lookup(keys, null)).containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void aLatestScopeWithoutWorkflowNameOrAnIdThatIsNoUuidIsABadRequestNamingTheField() {
        JsonNode noName = badLookup(new MemoLookupRequest(List.of("k"), latest(null)));
        JsonNode badId = badLookup(new MemoLookupRequest(List.of("k"), ids("checkpoint-7")));

        assertThat(noName.get("type").asString()).isEqualTo("https://trellis.dev/problems/invalid-request");
        assertThat(noName.get("instance").asString()).isEqualTo("/api/memo/lookup");
        assertThat(noName.get("errors").get(0).asString()).isEqualTo("$.scope.workflowName: required");
        assertThat(badId.get("errors").get(0).asString()).isEqualTo("$.scope.checkpointIds[0]: not a UUID: 'checkpoint-7'");
    }

    private JsonNode badLookup(MemoLookupRequest request) {
        var response = api.http().postJson("/api/memo/lookup", WireCodec.writeString(request));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        return JsonMapper.shared().readTree(response.body());
    }
}
