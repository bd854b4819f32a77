package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.trellis.scheduler.workflow.WorkflowApi.WORKFLOWS;
import static dev.trellis.scheduler.workflow.WorkflowApi.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What a user sees when a submission is wrong: RFC 9457 problem details that locate every mistake
 * with a JSON path into the document they sent, and nothing of the rejected workflow stored.
 */
@SchedulerIntegrationTest
class WorkflowValidationApiTest extends WorkflowApiTestBase {

    private static final String INVALID = "https://trellis.dev/problems/invalid-workflow";
    private static final String MALFORMED = "https://trellis.dev/problems/malformed-workflow";

    @Test
    void aCycleIsRejectedWithItsTasksNamedInOrder() {
        Map<String, Object> problem = invalid("""
                name: cyclic
                apps:
                  step: {type: java, function: echo}
                tasks:
                  - {id: start, app: step, args: {value: 1}}
                  - {id: a, app: step, args: {value: 1}, after: [start, c]}
                  - {id: b, app: step, args: {value: "${a.result}"}}
                  - {id: c, app: step, args: {value: 1}, after: [b]}
                """);

        assertThat(errors(problem)).singleElement().satisfies(error -> {
            assertThat(error).containsEntry("path", "$.tasks[1]").containsEntry("code", "cycle");
            assertThat((String) error.get("message")).contains("a -> b -> c -> a");
        });
    }

    @Test
    void aTaskRunningAnUndefinedAppIsRejectedWithTheDefinedApps() {
        Map<String, Object> problem = invalid("""
                name: unknown-app
                apps:
                  echo: {type: java, function: echo}
                tasks:
                  - {id: a, app: echo, args: {value: 1}}
                  - {id: b, app: ehco, args: {value: 2}}
                """);

        assertThat(errors(problem)).singleElement().satisfies(error -> {
            assertThat(error).containsEntry("path", "$.tasks[1].app").containsEntry("code", "unknown-app");
            assertThat((String) error.get("message")).contains("'ehco'").contains("echo");
        });
    }

    @Test
    void anAppPinnedToAnUnconfiguredSiteIsRejectedWithTheConfiguredSites() {
        Map<String, Object> problem = invalid("""
                name: unknown-site
                apps:
                  echo: {type: java, function: echo, sites: [threads, gpu]}
                tasks:
                  - {id: a, app: echo, args: {value: 1}}
                """);

        assertThat(errors(problem)).singleElement().satisfies(error -> {
            assertThat(error).containsEntry("path", "$.apps.echo.sites[1]").containsEntry("code", "unknown-site");
            assertThat((String) error.get("message")).contains("'gpu'").contains("threads").contains("pilot");
        });
    }

    @Test
    void aReferenceToAnUnknownTaskIsRejectedWhereItIsWritten() {
        Map<String, Object> problem = invalid("""
                name: unknown-reference
                apps:
                  echo: {type: java, function: echo}
                  cat: {type: bash, command: "cat {inputs} > {outputs[0]}"}
                tasks:
                  - {id: a, app: echo, args: {value: "${ghost.result}"}}
                  - {id: b, app: cat, inputs: ["${phantom.outputs[0]}"], outputs: [b.txt]}
                """);

        assertThat(errors(problem)).extracting(e -> e.get("path"), e -> e.get("code")).containsExactly(
                tuple("$.tasks[0].args.value", "unknown-task-reference"),
                tuple("$.tasks[1].inputs[0]", "unknown-task-reference"));
        assertThat(errors(problem)).extracting(e -> (String) e.get("message"))
                .anySatisfy(message -> assertThat(message).contains("'ghost'"))
                .anySatisfy(message -> assertThat(message).contains("'phantom'"));
    }

    @Test
    void twoTasksWithOneIdAreRejectedAtTheSecond() {
        Map<String, Object> problem = invalid("""
                name: duplicate-ids
                apps:
                  echo: {type: java, function: echo}
                tasks:
                  - {id: twin, app: echo, args: {value: 1}}
                  - {id: other, app: echo, args: {value: 2}}
                  - {id: twin, app: echo, args: {value: 3}}
                """);

        assertThat(errors(problem)).singleElement().satisfies(error -> {
            assertThat(error).containsEntry("path", "$.tasks[2].id").containsEntry("code", "duplicate-task-id");
            assertThat((String) error.get("message")).contains("'twin'").contains("$.tasks[0]");
        });
    }

    @Test
    void aCommandUsingAFourthOutputOfATaskWithTwoIsRejected() {
        Map<String, Object> problem = invalid("""
                name: command-output-out-of-range
                apps:
                  split: {type: bash, command: "echo a > {outputs[0]}; echo b > {outputs[3]}"}
                tasks:
                  - {id: split, app: split, outputs: [a.txt, b.txt]}
                """);

        assertThat(errors(problem)).singleElement().satisfies(error -> {
            assertThat(error).containsEntry("path", "$.tasks[0].outputs").containsEntry("code", "template-index-out-of-range");
            assertThat((String) error.get("message")).contains("{outputs[3]}").contains("2 outputs");
        });
    }

    @Test
    void aReferenceToAFourthOutputOfATaskWithTwoIsRejected() {
        Map<String, Object> problem = invalid("""
                name: reference-output-out-of-range
                apps:
                  split: {type: bash, command: "echo a > {outputs[0]}; echo b > {outputs[1]}"}
                  cat: {type: bash, command: "cat {inputs} > {outputs[0]}"}
                tasks:
                  - {id: split, app: split, outputs: [a.txt, b.txt]}
                  - {id: cat, app: cat, inputs: ["${split.outputs[3]}"], outputs: [c.txt]}
                """);

        assertThat(errors(problem)).singleElement().satisfies(error -> {
            assertThat(error).containsEntry("path", "$.tasks[1].inputs[0]").containsEntry("code", "output-index-out-of-range");
            assertThat((String) error.get("message")).contains("'split'").contains("2 outputs");
        });
    }

    @Test
    void anOutputPathLeavingTheDataAreaIsRejected() {
        Map<String, Object> problem = invalid("""
                name: escaping-output
                apps:
                  write: {type: bash, command: "echo x > {outputs[0]}"}
                tasks:
                  - {id: write, app: write, outputs: [../x]}
                """);

        assertThat(errors(problem)).singleElement().satisfies(error -> {
            assertThat(error).containsEntry("path", "$.tasks[0].outputs[0]").containsEntry("code", "output-path-escapes-data-area");
            assertThat((String) error.get("message")).contains("'../x'");
        });
    }

    @Test
    void everyProblemInADocumentIsReportedInOneAnswer() {
        Map<String, Object> problem = invalid("""
                name: many-problems
                settings: {defaultSite: moon, retries: -1}
                apps:
                  echo: {type: java, function: echo, sites: [mars]}
                  write: {type: bash, command: "echo x > {outputs[0]}"}
                tasks:
                  - {id: a, app: echo, args: {value: 1}}
                  - {id: a, app: echo, args: {value: 2}}
                  - {id: b, app: nope}
                  - {id: c, app: write, outputs: [../c.txt]}
                  - {id: d, app: echo, args: {value: "${ghost.result}"}}
                """);

        assertThat(errors(problem)).extracting(e -> e.get("path"), e -> e.get("code")).containsExactlyInAnyOrder(
                tuple("$.settings.retries", "invalid-value"),
                tuple("$.settings.defaultSite", "unknown-site"),
                tuple("$.apps.echo.sites[0]", "unknown-site"),
                tuple("$.tasks[1].id", "duplicate-task-id"),
                tuple("$.tasks[2].app", "unknown-app"),
                tuple("$.tasks[3].outputs[0]", "output-path-escapes-data-area"),
                tuple("$.tasks[4].args.value", "unknown-task-reference"));
        assertThat((String) problem.get("detail")).contains("7 problem");
    }

    @Test
    void aRejectedWorkflowLeavesNothingBehind() {
        invalid("""
                name: never-accepted
                apps:
                  echo: {type: java, function: echo}
                tasks:
                  - {id: fine, app: echo, args: {value: 1}}
                  - {id: broken, app: echo, args: {value: "${ghost.result}"}}
                """);

        assertThat(api.listByName("never-accepted")).isEmpty();
    }

    @Test
    void malformedYamlIsRejectedWithTheLineAndColumnOfTheMistake() {
        HttpResponse<String> response = api.post(WORKFLOWS, """
                name: malformed-yaml
                apps:
                  echo: {type: java, function: echo
                tasks:
                  - {id: a, app: echo}
                """);

        Map<String, Object> problem = problem(response, 400);
        assertThat(problem).containsEntry("type", MALFORMED).containsEntry("instance", WORKFLOWS).containsKey("title");
        assertThat((String) problem.get("detail")).containsPattern("line [34], column \\d+");
        assertThat(api.listByName("malformed-yaml")).isEmpty();
    }

    @Test
    void malformedJsonIsRejectedWithTheLineAndColumnOfTheMistake() {
        HttpResponse<String> response = api.http().postJson(WORKFLOWS, """
                {"name": "malformed-json",
                 "apps": {"echo": {"type": "java", "function": "echo"}},
                 "tasks": [{"id": "a", "app": "echo",}]}
                """);

        Map<String, Object> problem = problem(response, 400);
        assertThat(problem).containsEntry("type", MALFORMED).containsEntry("instance", WORKFLOWS);
        assertThat((String) problem.get("detail")).contains("line 3, column");
    }

    @Test
    void aMisspelledFieldIsRejectedRatherThanIgnored() {
        HttpResponse<String> response = api.post(WORKFLOWS, """
                name: misspelled
                apps:
                  echo: {type: java, function: echo}
                tasks:
                  - {id: a, app: echo, agrs: {value: 1}}
                """);

        Map<String, Object> problem = problem(response, 400);
        assertThat(problem).containsEntry("type", MALFORMED);
        assertThat((String) problem.get("detail")).contains("agrs").contains("$.tasks[0]");
    }

    @Test
    void anUnknownWorkflowIdIsNotFound() {
        String path = WORKFLOWS + "/" + UUID.randomUUID();

        Map<String, Object> problem = problem(api.http().get(path), 404);

        assertThat(problem).containsEntry("type", "https://trellis.dev/problems/not-found").containsEntry("instance", path);
        assertThat(problem(api.http().get(path + "/wait?timeout=1s"), 404)).containsEntry("instance", path + "/wait");
        assertThat(problem(api.http().post(path + "/cancel", "application/json", ""), 404)).containsEntry("instance", path + "/cancel");
        assertThat(problem(api.http().post(path + "/seal", "application/json", ""), 404)).containsEntry("instance", path + "/seal");
    }

    @Test
    void anIdThatIsNoWorkflowIdIsNotFoundEither() {
        String path = WORKFLOWS + "/not-a-workflow";

        Map<String, Object> problem = problem(api.http().get(path), 404);

        assertThat(problem).containsEntry("type", "https://trellis.dev/problems/not-found").containsEntry("instance", path);
        assertThat((String) problem.get("detail")).contains("not-a-workflow");
    }

    @Test
    void aBodyOfAnUnsupportedTypeIsAProblemToo() {
        HttpResponse<String> response = api.http().post(WORKFLOWS, "text/html", "<p>workflow</p>");

        assertThat(problem(response, 415)).containsEntry("instance", WORKFLOWS);
    }

    @Test
    void aQueryParameterOfTheWrongTypeIsAProblemToo() {
        HttpResponse<String> response = api.http().post(WORKFLOWS + "?sealed=perhaps", "application/yaml", "name: x\n");

        Map<String, Object> problem = problem(response, 400);
        assertThat(problem).containsEntry("type", "https://trellis.dev/problems/invalid-parameter").containsEntry("instance", WORKFLOWS);
        assertThat((String) problem.get("detail")).contains("'sealed'").contains("'perhaps'");
    }

    @Test
    void aWaitTimeoutThatIsNoDurationIsAProblemToo() {
        SubmissionView submitted = api.submit("""
                name: waited-for
                apps:
                  echo: {type: java, function: echo}
                tasks:
                  - {id: a, app: echo, args: {value: 1}}
                """);
        String path = WORKFLOWS + "/" + submitted.id() + "/wait";

        Map<String, Object> problem = problem(api.http().get(path + "?timeout=soon"), 400);

        assertThat(problem).containsEntry("type", "https://trellis.dev/problems/invalid-parameter").containsEntry("instance", path);
        assertThat((String) problem.get("detail")).contains("'timeout'").contains("'soon'");
    }

    @Test
    void addingTasksToASealedWorkflowIsAConflict() {
        SubmissionView submitted = api.submit("""
                name: sealed-workflow
                apps:
                  sleep: {type: java, function: sleep}
                tasks:
                  - {id: nap, app: sleep, args: {millis: 2000}}
                """);
        String path = WORKFLOWS + "/" + submitted.id() + "/tasks";
        String moreTasks = "- {id: late, app: sleep, args: {millis: 1}}";

        Map<String, Object> whileRunning = problem(api.post(path, moreTasks), 409);
        api.awaitFinished(submitted.id());
        Map<String, Object> afterFinishing = problem(api.post(path, moreTasks), 409);

        assertThat(whileRunning).containsEntry("type", "https://trellis.dev/problems/workflow-closed").containsEntry("instance", path);
        assertThat((String) whileRunning.get("detail")).contains("sealed");
        assertThat((String) afterFinishing.get("detail")).contains("finished SUCCEEDED");
        assertThat(api.get(submitted.id()).tasks()).extracting("id").containsExactly("nap");
    }

    /** Posts the YAML, checks the invalid-workflow problem's members and returns it. */
    private Map<String, Object> invalid(String yaml) {
        Map<String, Object> problem = problem(api.post(WORKFLOWS, yaml), 400);
        assertThat(problem)
                .containsEntry("type", INVALID)
                .containsEntry("title", "Invalid workflow")
                .containsEntry("instance", WORKFLOWS);
        assertThat(errors(problem)).isNotEmpty().allSatisfy(error -> assertThat(error).containsKeys("path", "code", "message"));
        return problem;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> errors(Map<String, Object> problem) {
        assertThat(problem).containsKey("errors");
        return (List<Map<String, Object>>) problem.get("errors");
    }
}
