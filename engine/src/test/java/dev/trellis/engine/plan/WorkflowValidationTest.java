package dev.trellis.engine.plan;

import dev.trellis.engine.Workflows;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.AppType;
import dev.trellis.protocol.spec.TaskSpec;
import dev.trellis.protocol.spec.WorkflowSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static dev.trellis.engine.Workflows.SITES;
import static dev.trellis.engine.Workflows.aWorkflow;
import static dev.trellis.engine.Workflows.fanOutFanIn;
import static dev.trellis.engine.Workflows.foreach;
import static dev.trellis.engine.Workflows.multiSiteExample;
import static dev.trellis.engine.Workflows.withRetries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class WorkflowValidationTest {

    private static final AppSpec JAVA_APP = AppSpec.java("f", "1");

    private final WorkflowPlanner planner = new WorkflowPlanner(SITES);

    private List<SpecProblem> problemsOf(WorkflowSpec spec) {
        return problemsOf(planner, spec);
    }

    private static List<SpecProblem> problemsOf(WorkflowPlanner planner, WorkflowSpec spec) {
        try {
            planner.plan(spec);
        } catch (InvalidWorkflowException e) {
            return e.problems();
        }
        throw new AssertionError("expected the spec to be invalid");
    }

    /** The single problem the spec has, after checking its path and code. */
    private SpecProblem onlyProblem(WorkflowSpec spec, String path, String code) {
        List<SpecProblem> problems = problemsOf(spec);
        assertThat(problems).extracting(SpecProblem::path, SpecProblem::code).containsExactly(tuple(path, code));
        return problems.get(0);
    }

    @Test
    void bashAppWithoutACommandIsMissingAField() {
        WorkflowSpec spec = aWorkflow().app("concat", AppSpec.bash(null)).build();

        assertThat(onlyProblem(spec, "$.apps.concat.command", "missing-field").message()).contains("concat");
    }

    @Test
    void pythonAppWithoutSourceIsMissingAField() {
        onlyProblem(aWorkflow().app("total", AppSpec.python("total", " ")).build(), "$.apps.total.source", "missing-field");
    }

    @Test
    void javaAppWithoutAFunctionIsMissingAField() {
        onlyProblem(aWorkflow().app("sum", AppSpec.java(null, "1")).build(), "$.apps.sum.function", "missing-field");
    }

    @Test
    void appWithoutATypeIsMissingAField() {
        AppSpec untyped = new AppSpec(null, "echo", null, null, null, null, null, null, null, null, null);

        onlyProblem(aWorkflow().app("word-count", untyped).build(), "$.apps['word-count'].type", "missing-field");
    }

    @Test
    void appPinnedToAnUnknownSiteIsReportedWithTheKnownSites() {
        WorkflowSpec spec = aWorkflow().app("f", AppSpec.java("f", "1", "Local_Threads", "gpu")).build();

        assertThat(onlyProblem(spec, "$.apps.f.sites[1]", "unknown-site").message())
                .contains("'gpu'").contains("Local_IPP").contains("Local_Threads");
    }

    @Test
    void unknownDefaultSiteIsReported() {
        onlyProblem(aWorkflow().defaultSite("cloud").build(), "$.settings.defaultSite", "unknown-site");
    }

    @Test
    void negativeRetriesAreInvalidForTheWorkflowAndForAnApp() {
        WorkflowSpec spec = aWorkflow().retries(-1, 1000).app("f", withRetries(JAVA_APP, -2)).build();

        assertThat(problemsOf(spec)).extracting(SpecProblem::path, SpecProblem::code).containsExactly(
                tuple("$.settings.retries", "invalid-value"),
                tuple("$.apps.f.retries", "invalid-value"));
    }

    @Test
    void nonPositiveWalltimeAndCaptureFilesOutsideTheTaskDirectoryAreReported() {
        AppSpec app = new AppSpec(AppType.BASH, "echo hi", null, null, null, null, null, 0, null, "../out.txt", "/tmp/err");

        assertThat(problemsOf(aWorkflow().app("f", app).build())).extracting(SpecProblem::path, SpecProblem::code).containsExactly(
                tuple("$.apps.f.walltimeSeconds", "invalid-value"),
                tuple("$.apps.f.stdout", "output-path-escapes-data-area"),
                tuple("$.apps.f.stderr", "output-path-escapes-data-area"));
    }

    @Test
    void aTaskWithoutAnIdOrAppIsMissingAField() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of(null, "f"))
                .task(TaskSpec.of("b", null))
                .build();

        assertThat(problemsOf(spec)).extracting(SpecProblem::path, SpecProblem::code).containsExactly(
                tuple("$.tasks[0].id", "missing-field"),
                tuple("$.tasks[1].app", "missing-field"));
    }

    @Test
    void aTaskRunningAnUndefinedAppIsReportedWithTheDefinedApps() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP).task(TaskSpec.of("a", "g")).build();

        assertThat(onlyProblem(spec, "$.tasks[0].app", "unknown-app").message()).contains("'g'").contains("[f]");
    }

    @Test
    void referencesToUnknownTasksAreReportedWhereTheyAreWritten() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("a", "f")
                        .withArgs(Map.of("x", "${nope.result}"))
                        .withInputs("${ghost.outputs[0]}")
                        .withAfter("missing", "gen-*"))
                .build();

        assertThat(problemsOf(spec)).extracting(SpecProblem::path, SpecProblem::code).containsExactly(
                tuple("$.tasks[0].args.x", "unknown-task-reference"),
                tuple("$.tasks[0].inputs[0]", "unknown-task-reference"),
                tuple("$.tasks[0].after[0]", "unknown-task-reference"),
                tuple("$.tasks[0].after[1]", "unknown-task-reference"));
        assertThat(problemsOf(spec).get(3).message()).isEqualTo("task 'a' refers to 'gen-*', which matches no task");
    }

    @Test
    void referencingAnOutputBeyondTheProducersDeclaredOutputsIsReported() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("gen-{i}", "f").withOutputs("{i}.txt").withCount(3))
                .task(TaskSpec.of("one", "f").withInputs("${gen-1.outputs[1]}"))
                .task(TaskSpec.of("all", "f").withInputs("${gen-*.outputs[2]}"))
                .build();

        List<SpecProblem> problems = problemsOf(spec);

        assertThat(problems).extracting(SpecProblem::path, SpecProblem::code).containsExactly(
                tuple("$.tasks[1].inputs[0]", "output-index-out-of-range"),
                tuple("$.tasks[2].inputs[0]", "output-index-out-of-range"));
        assertThat(problems.get(0).message()).contains("task 'gen-1' declares 1 output");
        assertThat(problems.get(1).message()).contains("task 'gen-0' declares 1 output").contains("2 more matching tasks");
    }

    @Test
    void twoTasksWithOneIdAreReportedAtTheSecond() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("a", "f"))
                .task(TaskSpec.of("a", "f"))
                .build();

        assertThat(onlyProblem(spec, "$.tasks[1].id", "duplicate-task-id").message()).contains("$.tasks[0]");
    }

    @Test
    void aTemplateWhoseIdLacksItsVariableIsReportedOnce() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("gen", "f").withCount(1000))
                .task(foreach(TaskSpec.of("fit-{x}", "f"), Map.of("x", List.of(1, 2), "y", List.of(3))))
                .build();

        List<SpecProblem> problems = problemsOf(spec);

        assertThat(problems).extracting(SpecProblem::path, SpecProblem::code).containsExactly(
                tuple("$.tasks[0].id", "template-id-without-variable"),
                tuple("$.tasks[1].id", "template-id-without-variable"));
        assertThat(problems.get(0).message()).contains("{i}").contains("1000 tasks");
        assertThat(problems.get(1).message()).contains("{y}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "slash/id", "x{j}", "ünïcode"})
    void taskIdsOutsideTheAllowedCharactersAreInvalid(String id) {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP).task(TaskSpec.of(id, "f")).build();

        assertThat(onlyProblem(spec, "$.tasks[0].id", "invalid-task-id").message()).contains(id);
    }

    @Test
    void aCommandPlaceholderBeyondTheTasksInputsOrOutputsIsReportedAtThatTask() {
        WorkflowSpec spec = aWorkflow()
                .app("concat", AppSpec.bash("cat {inputs[1]} > {outputs[3]}"))
                .task(TaskSpec.of("gen-{i}", "concat").withInputs("seed.txt", "seed2.txt").withOutputs("g{i}.txt").withCount(2))
                .task(TaskSpec.of("c", "concat").withInputs("${gen-0.outputs[0]}").withOutputs("a.txt", "b.txt"))
                .build();

        List<SpecProblem> problems = problemsOf(spec);

        assertThat(problems).extracting(SpecProblem::path, SpecProblem::code).containsExactly(
                tuple("$.tasks[0].outputs", "template-index-out-of-range"),
                tuple("$.tasks[1].inputs", "template-index-out-of-range"),
                tuple("$.tasks[1].outputs", "template-index-out-of-range"));
        assertThat(problems.get(1).message()).isEqualTo("app 'concat' command uses {inputs[1]} but task 'c' has 1 input");
        assertThat(problems.get(2).message()).isEqualTo("app 'concat' command uses {outputs[3]} but task 'c' declares 2 outputs");
    }

    @Test
    void placeholderIndicesAreCheckedAgainstInputsAfterGlobExpansion() {
        WorkflowSpec spec = aWorkflow()
                .app("pair", AppSpec.bash("paste {inputs[0]} {inputs[1]} > {outputs[0]}"))
                .task(TaskSpec.of("gen-{i}", "pair").withInputs("a.txt", "b.txt").withOutputs("g{i}.txt").withCount(2))
                .task(TaskSpec.of("join", "pair").withInputs("${gen-*.outputs[0]}").withOutputs("joined.txt"))
                .build();

        assertThat(planner.plan(spec).task("join").orElseThrow().inputs()).hasSize(2);
    }

    @Test
    void aCommandArgTheTaskDoesNotHaveIsReported() {
        WorkflowSpec spec = aWorkflow()
                .app("sleep", AppSpec.bash("sleep {args.seconds}; echo {args.word}"))
                .task(TaskSpec.of("s", "sleep").withArgs(Map.of("seconds", 3)))
                .build();

        assertThat(onlyProblem(spec, "$.tasks[0].args", "unknown-template-arg").message())
                .isEqualTo("app 'sleep' command uses {args.word} but task 's' has no arg 'word'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../up.txt", "a/../../b", "/etc/passwd", "~/x"})
    void outputPathsThatEscapeTheDataAreaAreReported(String path) {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP).task(TaskSpec.of("a", "f").withOutputs(path)).build();

        assertThat(onlyProblem(spec, "$.tasks[0].outputs[0]", "output-path-escapes-data-area").message()).contains(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../up.txt", "/etc/passwd", "~user/x"})
    void inputPathsThatEscapeTheDataAreaAreReported(String path) {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP).task(TaskSpec.of("a", "f").withInputs("ok.txt", path)).build();

        onlyProblem(spec, "$.tasks[0].inputs[1]", "input-path-escapes-data-area");
    }

    @Test
    void outputsThatNameNoFileAreInvalid() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP).task(TaskSpec.of("a", "f").withOutputs("./")).build();

        onlyProblem(spec, "$.tasks[0].outputs[0]", "invalid-value");
    }

    @Test
    void twoTasksWritingTheSameFileAreReportedEvenWhenSpelledDifferently() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("a", "f").withOutputs("out/x.txt"))
                .task(TaskSpec.of("b", "f").withOutputs("out/./x.txt"))
                .build();

        assertThat(onlyProblem(spec, "$.tasks[1].outputs[0]", "duplicate-output").message())
                .contains("'out/x.txt'").contains("task 'a'");
    }

    @Test
    void tooManyTasksAreReportedBeforeAnythingIsGenerated() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("gen-{i}", "f").withCount(Integer.MAX_VALUE))
                .build();

        assertThat(onlyProblem(spec, "$.tasks", "too-many-tasks").message()).contains("2147483647").contains("200000");
    }

    @Test
    void theTaskLimitCountsEveryGeneratedTask() {
        WorkflowPlanner small = new WorkflowPlanner(SITES, new PlanLimits(10, 1000));

        assertThat(problemsOf(small, fanOutFanIn(9))).extracting(SpecProblem::code).containsExactly("too-many-tasks");
        assertThat(small.plan(fanOutFanIn(8)).size()).isEqualTo(10);
    }

    @Test
    void argsBeyondTheSizeLimitAreReported() {
        WorkflowPlanner small = new WorkflowPlanner(SITES, new PlanLimits(10, 100));
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("a", "f").withArgs(Map.of("blob", "x".repeat(200))))
                .build();

        assertThat(problemsOf(small, spec)).extracting(SpecProblem::path, SpecProblem::code)
                .containsExactly(tuple("$.tasks[0].args", "args-too-large"));
    }

    @Test
    void referencesThatAreNotTheWholeArgValueAreMisplaced() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("a", "f").withOutputs("a.txt"))
                .task(TaskSpec.of("b", "f").withArgs(Map.of(
                        "text", "value: ${a.result}",
                        "list", List.of("ok", "${a.result}"),
                        "file", "${a.outputs[0]}")))
                .build();

        assertThat(problemsOf(spec)).extracting(SpecProblem::path, SpecProblem::code).containsExactlyInAnyOrder(
                tuple("$.tasks[1].args.text", "misplaced-reference"),
                tuple("$.tasks[1].args.list[1]", "misplaced-reference"),
                tuple("$.tasks[1].args.file", "misplaced-reference"));
    }

    @Test
    void argsMayHoldBashStyleTextThatIsNoReference() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("a", "f").withArgs(Map.of("shell", "echo ${HOME} $((1+2))")))
                .build();

        assertThat(planner.plan(spec).task("a").orElseThrow().args()).containsEntry("shell", "echo ${HOME} $((1+2))");
    }

    @Test
    void inputsThatAreNotOutputReferencesAreInvalidReferences() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("a", "f").withOutputs("a.txt"))
                .task(TaskSpec.of("b", "f").withInputs("${a.result}", "${a.outputs[x]}"))
                .build();

        assertThat(problemsOf(spec)).extracting(SpecProblem::path, SpecProblem::code).containsExactly(
                tuple("$.tasks[1].inputs[0]", "invalid-reference"),
                tuple("$.tasks[1].inputs[1]", "invalid-reference"));
    }

    @Test
    void countAndForeachTogetherOrANegativeCountAreInvalid() {
        TaskSpec both = new TaskSpec("x-{i}", "f", null, null, null, null, 2, Map.of("i", List.<Object>of(1)));
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(both)
                .task(TaskSpec.of("y-{i}", "f").withCount(-1))
                .build();

        assertThat(problemsOf(spec)).extracting(SpecProblem::path, SpecProblem::code).containsExactly(
                tuple("$.tasks[0]", "invalid-value"),
                tuple("$.tasks[1].count", "invalid-value"));
    }

    @Test
    void aCycleIsNamedTaskByTask() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("start", "f"))
                .task(TaskSpec.of("a", "f").withAfter("start", "c"))
                .task(TaskSpec.of("b", "f").withArgs(Map.of("x", "${a.result}")))
                .task(TaskSpec.of("c", "f").withAfter("b"))
                .task(TaskSpec.of("downstream", "f").withAfter("c"))
                .build();

        assertThat(onlyProblem(spec, "$.tasks[1]", "cycle").message()).contains("a -> b -> c -> a");
    }

    @Test
    void aTaskWaitingForItselfIsACycle() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP).task(TaskSpec.of("loop", "f").withAfter("loop")).build();

        assertThat(onlyProblem(spec, "$.tasks[0]", "cycle").message()).contains("loop -> loop");
    }

    @Test
    void separateCyclesAreEachReported() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("a", "f").withAfter("b"))
                .task(TaskSpec.of("b", "f").withAfter("a"))
                .task(TaskSpec.of("x", "f").withAfter("z"))
                .task(TaskSpec.of("y", "f").withAfter("x"))
                .task(TaskSpec.of("z", "f").withAfter("y"))
                .build();

        assertThat(problemsOf(spec)).extracting(SpecProblem::message).containsExactly(
                "tasks wait for each other in a cycle: a -> b -> a (each needs the one before it)",
                "tasks wait for each other in a cycle: x -> y -> z -> x (each needs the one before it)");
    }

    @Test
    void theShortestCycleThroughATangleIsNamed() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("a", "f").withAfter("d", "b"))
                .task(TaskSpec.of("b", "f").withAfter("a"))
                .task(TaskSpec.of("c", "f").withAfter("b"))
                .task(TaskSpec.of("d", "f").withAfter("c"))
                .build();

        assertThat(onlyProblem(spec, "$.tasks[0]", "cycle").message()).contains(": a -> b -> a (");
    }

    @Test
    void aLongCycleIsAbbreviatedInTheMiddle() {
        Workflows.Builder ring = aWorkflow().app("f", JAVA_APP);
        for (int i = 0; i < 100; i++) {
            ring.task(TaskSpec.of("r" + i, "f").withAfter("r" + ((i + 99) % 100)));
        }

        assertThat(onlyProblem(ring.build(), "$.tasks[0]", "cycle").message())
                .contains(": r0 -> r1 -> r2 -> r3 -> r4 -> r5 -> ... (89 more) -> r95 -> r96 -> r97 -> r98 -> r99 -> r0 (");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        WorkflowSpec spec = aWorkflow()
                .defaultSite("nowhere")
                .app("concat", AppSpec.bash(null, "Local_IPP"))
                .task(TaskSpec.of("gen-{i}", "generate").withOutputs("../r-{i}.txt").withCount(5))
                .task(TaskSpec.of("concat", "concat").withInputs("${gen-*.outputs[0]}", "${nope.outputs[0]}").withOutputs("all.txt"))
                .task(TaskSpec.of("concat", "concat").withOutputs("all.txt"))
                .build();

        List<SpecProblem> problems = problemsOf(spec);

        assertThat(problems).extracting(SpecProblem::path, SpecProblem::code).containsExactly(
                tuple("$.settings.defaultSite", "unknown-site"),
                tuple("$.apps.concat.command", "missing-field"),
                tuple("$.tasks[0].outputs[0]", "output-path-escapes-data-area"),
                tuple("$.tasks[2].id", "duplicate-task-id"),
                tuple("$.tasks[0].app", "unknown-app"),
                tuple("$.tasks[1].inputs[1]", "unknown-task-reference"));
    }

    @Test
    void theSameMistakeInEveryGeneratedTaskIsFoldedIntoOneProblemWithACount() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP)
                .task(TaskSpec.of("gen-{i}", "f").withInputs("${missing-{i}.outputs[0]}").withCount(1000))
                .build();

        SpecProblem problem = onlyProblem(spec, "$.tasks[0].inputs[0]", "unknown-task-reference");

        assertThat(problem.message()).contains("'missing-0'").endsWith("(and the same in 999 more tasks from this template)");
    }

    @Test
    void theExceptionMessageSummarisesTheProblems() {
        WorkflowSpec spec = aWorkflow().app("f", JAVA_APP).task(TaskSpec.of("a", "g")).build();

        assertThatThrownBy(() -> planner.plan(spec))
                .isInstanceOf(InvalidWorkflowException.class)
                .hasMessageStartingWith("invalid workflow (1 problem): $.tasks[0].app: task 'a' runs app 'g'");
    }

    @Test
    void addedTasksAreValidatedWithPathsIntoTheSubmittedList() {
        WorkflowPlan existing = planner.plan(multiSiteExample());

        assertThatThrownBy(() -> planner.planAdditional(existing, List.of(
                TaskSpec.of("fine", "total").withInputs("${concat.outputs[0]}"),
                TaskSpec.of("concat", "concat").withOutputs("other.txt"),
                TaskSpec.of("again", "concat").withInputs("${generate-9.outputs[0]}").withOutputs("all.txt"),
                TaskSpec.of("x", "total").withAfter("y"),
                TaskSpec.of("y", "total").withAfter("x"))))
                .isInstanceOfSatisfying(InvalidWorkflowException.class, e -> assertThat(e.problems())
                        .extracting(SpecProblem::path, SpecProblem::code).containsExactly(
                                tuple("$.tasks[1].id", "duplicate-task-id"),
                                tuple("$.tasks[2].outputs[0]", "duplicate-output"),
                                tuple("$.tasks[2].inputs[0]", "unknown-task-reference"),
                                tuple("$.tasks[3]", "cycle")));
    }

    @Test
    void theTaskLimitCountsExistingTasksWhenAdding() {
        WorkflowPlanner small = new WorkflowPlanner(SITES, new PlanLimits(8, 1000));
        WorkflowPlan existing = small.plan(multiSiteExample());

        assertThatThrownBy(() -> small.planAdditional(existing, List.of(TaskSpec.of("more-{i}", "total").withCount(2))))
                .isInstanceOfSatisfying(InvalidWorkflowException.class, e -> assertThat(e.problems())
                        .extracting(SpecProblem::code).containsExactly("too-many-tasks"));
    }
}
