package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.trellis.scheduler.workflow.WorkflowApi.WORKFLOWS;
import static dev.trellis.scheduler.workflow.WorkflowApi.problem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/workflows}: newest first, by name and by status. Status is not indexed, and a
 * listing of running workflows reads only rows submitted since the oldest one the scheduler drives,
 * so the oldest running workflow is the one a wrong bound would lose.
 */
@SchedulerIntegrationTest
class WorkflowListingTest extends WorkflowApiTestBase {

    private static final String ONE_TASK = """
            name: %s
            apps:
              echo: {type: java, function: echo}
            tasks:
              - {id: a, app: echo, args: {value: 1}}
            """;

    @Test
    void aListingByStatusFindsRunningWorkflowsOfAnyAgeAndFinishedOnesNewestFirst() {
        String name = "listed-" + UUID.randomUUID();
        String document = ONE_TASK.formatted(name);
        String oldestOpen = api.submitOpen(document).id();
        String firstDone = api.awaitFinished(api.submit(document).id()).id();
        String secondDone = api.awaitFinished(api.submit(document).id()).id();
        String newestOpen = api.submitOpen(document).id();

        assertThat(ids(name, "RUNNING")).containsExactly(newestOpen, oldestOpen);
        assertThat(ids(name, "running")).as("status in any case").containsExactly(newestOpen, oldestOpen);
        assertThat(ids(name, "SUCCEEDED")).containsExactly(secondDone, firstDone);
        assertThat(ids(name, null)).containsExactly(newestOpen, secondDone, firstDone, oldestOpen);

        seal(oldestOpen);
        seal(newestOpen);

        assertThat(ids(name, "RUNNING")).isEmpty();
        assertThat(ids(name, "SUCCEEDED")).containsExactly(newestOpen, secondDone, firstDone, oldestOpen);
        assertThat(ids(name, "FAILED")).isEmpty();
    }

    /** Workflows that did not succeed are listed through a table of their own: each must reach it as it ends. */
    @Test
    void failedAndCancelledWorkflowsAreListedByTheirStatusNewestFirst() {
        String name = "unsuccessful-" + UUID.randomUUID();
        String failing = """
                name: %s
                apps:
                  sum: {type: java, function: sum}
                tasks:
                  - {id: broken, app: sum, args: {values: not-a-list}}
                """.formatted(name);
        String firstFailed = api.awaitFinished(api.submit(failing).id()).id();
        String cancelled = api.submitOpen(ONE_TASK.formatted(name)).id();
        assertThat(api.http().post(WORKFLOWS + "/" + cancelled + "/cancel", "application/json", "").statusCode()).isEqualTo(202);
        assertThat(api.awaitFinished(cancelled).status()).isEqualTo("CANCELLED");
        String succeeded = api.awaitFinished(api.submit(ONE_TASK.formatted(name)).id()).id();
        String secondFailed = api.awaitFinished(api.submit(failing).id()).id();

        assertThat(ids(name, "FAILED")).containsExactly(secondFailed, firstFailed);
        assertThat(ids(name, "failed")).containsExactly(secondFailed, firstFailed);
        assertThat(ids(name, "CANCELLED")).containsExactly(cancelled);
        assertThat(ids(name, "SUCCEEDED")).containsExactly(succeeded);
        assertThat(page(name, "FAILED", secondFailed)).containsExactly(firstFailed);
    }

    /** Workflows of one batch share their submission time, so pages after a workflow must break ties by id as the listing does. */
    @Test
    void pagesAfterTheLastWorkflowReadListEveryWorkflowOnceInOrder() {
        String name = "paged-" + UUID.randomUUID();
        String document = ONE_TASK.formatted(name);
        api.submit(document);
        String json = """
                {"name": "%s", "apps": {"echo": {"type": "java", "function": "echo"}}, "tasks": [{"id": "a", "app": "echo", "args": {"value": 1}}]}\
                """.formatted(name);
        HttpResponse<String> batch = api.http().post(WORKFLOWS + "/batch", "application/json",
                "[" + String.join(",", Collections.nCopies(7, json)) + "]");
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(201);
        api.submit(document);
        List<String> all = ids(name, null);
        assertThat(all).hasSize(9).doesNotHaveDuplicates();

        List<String> paged = new ArrayList<>();
        List<String> page = page(name, null);
        while (!page.isEmpty()) {
            assertThat(page.size()).isLessThanOrEqualTo(2);
            paged.addAll(page);
            page = page(name, page.get(page.size() - 1));
        }

        assertThat(paged).containsExactlyElementsOf(all);
    }

    @Test
    void pagingAfterAWorkflowThatDoesNotExistIsAProblem() {
        String unknown = UUID.randomUUID().toString();

        Map<String, Object> problem = problem(api.http().get(WORKFLOWS + "?after=" + unknown), 400);

        assertThat(problem).containsEntry("type", "https://trellis.dev/problems/invalid-parameter");
        assertThat((String) problem.get("detail")).contains("'after'").contains(unknown);
    }

    @Test
    void aStatusThatIsNoWorkflowStatusIsAProblem() {
        Map<String, Object> problem = problem(api.http().get(WORKFLOWS + "?status=finished"), 400);

        assertThat(problem).containsEntry("type", "https://trellis.dev/problems/invalid-parameter").containsEntry("instance", WORKFLOWS);
        assertThat((String) problem.get("detail")).contains("'status'").contains("'finished'").contains("RUNNING").contains("SUCCEEDED");
    }

    private void seal(String id) {
        assertThat(api.http().post(WORKFLOWS + "/" + id + "/seal", "application/json", "").statusCode()).isEqualTo(202);
        assertThat(api.awaitFinished(id).status()).isEqualTo("SUCCEEDED");
    }

    private List<String> page(String name, String after) {
        return page(name, null, after);
    }

    /** A page of two. */
    private List<String> page(String name, String status, String after) {
        return ids(name, status, "&size=2" + (after == null ? "" : "&after=" + after));
    }

    private List<String> ids(String name, String status) {
        return ids(name, status, "");
    }

    private List<String> ids(String name, String status, String more) {
        return api.list("name=" + name + (status == null ? "" : "&status=" + status) + more).stream().map(WorkflowView::id).toList();
    }
}
