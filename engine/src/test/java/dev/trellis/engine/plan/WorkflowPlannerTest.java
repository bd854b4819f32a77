package dev.trellis.engine.plan;

import dev.trellis.engine.plan.FileRef.DataFile;
import dev.trellis.engine.plan.FileRef.TaskOutput;
import dev.trellis.engine.plan.ResultReference.ResultListRef;
import dev.trellis.engine.plan.ResultReference.ResultRef;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.TaskSpec;
import dev.trellis.protocol.spec.WorkflowSpec;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.trellis.engine.Workflows.IPP;
import static dev.trellis.engine.Workflows.SITES;
import static dev.trellis.engine.Workflows.THREADS;
import static dev.trellis.engine.Workflows.aWorkflow;
import static dev.trellis.engine.Workflows.diamond;
import static dev.trellis.engine.Workflows.fanOutFanIn;
import static dev.trellis.engine.Workflows.foreach;
import static dev.trellis.engine.Workflows.multiSiteExample;
import static dev.trellis.engine.Workflows.withRetries;
import static org.assertj.core.api.Assertions.assertThat;

class WorkflowPlannerTest {

    private final WorkflowPlanner planner = new WorkflowPlanner(SITES);

    @Test
    void multiSiteExamplePlansFiveGeneratesThenConcatThenTotal() {
        WorkflowPlan plan = planner.plan(multiSiteExample());

        assertThat(plan.tasks()).extracting(PlannedTask::id)
                .containsExactly("generate-0", "generate-1", "generate-2", "generate-3", "generate-4", "concat", "total");
        PlannedTask generate = plan.task("generate-3").orElseThrow();
        assertThat(generate.outputs()).containsExactly("random-3.txt");
        assertThat(generate.candidateSites()).containsExactly(THREADS);
        assertThat(generate.dependencies()).isEmpty();

        PlannedTask concat = plan.task("concat").orElseThrow();
        assertThat(concat.inputs()).containsExactly(
                new TaskOutput("generate-0", 0, "random-0.txt"),
                new TaskOutput("generate-1", 0, "random-1.txt"),
                new TaskOutput("generate-2", 0, "random-2.txt"),
                new TaskOutput("generate-3", 0, "random-3.txt"),
                new TaskOutput("generate-4", 0, "random-4.txt"));
        assertThat(concat.dependencies()).containsExactly("generate-0", "generate-1", "generate-2", "generate-3", "generate-4");
        assertThat(concat.candidateSites()).containsExactly(IPP);

        PlannedTask total = plan.task("total").orElseThrow();
        assertThat(total.inputs()).containsExactly(new TaskOutput("concat", 0, "all.txt"));
        assertThat(total.dependencies()).containsExactly("concat");
        assertThat(total.candidateSites()).as("no sites means any site").isEmpty();
        assertThat(total.maxAttempts()).isEqualTo(1);
    }

    @Test
    void diamondKeepsResultReferencesAsMarkersAndMakesEachAnEdge() {
        WorkflowPlan plan = planner.plan(diamond());

        PlannedTask join = plan.task("d").orElseThrow();
        assertThat(join.args()).containsEntry("left", new ResultRef("b")).containsEntry("right", new ResultRef("c"));
        assertThat(join.dependencies()).containsExactlyInAnyOrder("b", "c");
        assertThat(plan.task("b").orElseThrow().dependencies()).containsExactly("a");
    }

    @Test
    void countTemplateSubstitutesTheIndexInIdArgsInputsOutputsAndAfter() {
        WorkflowSpec spec = aWorkflow()
                .app("sim", AppSpec.java("simulate", "1"))
                .task(TaskSpec.of("setup-{i}", "sim").withOutputs("setup/{i}.dat").withCount(3))
                .task(TaskSpec.of("run-{i}", "sim")
                        .withArgs(Map.of("label", "run {i}", "nested", Map.of("seeds", List.of("seed-{i}", 7))))
                        .withInputs("${setup-{i}.outputs[0]}", "params/{i}.json")
                        .withOutputs("out/{i}.csv")
                        .withAfter("setup-0")
                        .withCount(3))
                .build();

        PlannedTask run = planner.plan(spec).task("run-2").orElseThrow();

        assertThat(run.args()).containsEntry("label", "run 2")
                .containsEntry("nested", Map.of("seeds", List.of("seed-2", 7)));
        assertThat(run.inputs()).containsExactly(new TaskOutput("setup-2", 0, "setup/2.dat"), new DataFile("params/2.json"));
        assertThat(run.outputs()).containsExactly("out/2.csv");
        assertThat(run.dependencies()).containsExactly("setup-2", "setup-0");
    }

    @Test
    void anArgThatIsExactlyTheVariableTakesTheValueWithItsType() {
        WorkflowSpec spec = aWorkflow()
                .app("double", AppSpec.python("slow_double", "def slow_double(x): return x * 2"))
                .task(TaskSpec.of("double-{i}", "double").withArgs(Map.of("x", "{i}")).withCount(5))
                .build();

        assertThat(planner.plan(spec).task("double-4").orElseThrow().args()).containsEntry("x", 4);
    }

    @Test
    void foreachWithSeveralVariablesGeneratesTheCartesianProductFirstVariableSlowest() {
        WorkflowSpec spec = aWorkflow()
                .app("fit", AppSpec.java("fit", "1"))
                .task(foreach(TaskSpec.of("fit-{model}-{alpha}", "fit").withArgs(Map.of("model", "{model}", "alpha", "{alpha}")),
                        Map.of("model", List.of("linear", "tree"), "alpha", List.of(0.1, 1))))
                .build();

        WorkflowPlan plan = planner.plan(spec);

        assertThat(plan.tasks()).extracting(PlannedTask::id)
                .containsExactlyInAnyOrder("fit-linear-0.1", "fit-linear-1", "fit-tree-0.1", "fit-tree-1");
        assertThat(plan.task("fit-tree-0.1").orElseThrow().args()).containsEntry("model", "tree").containsEntry("alpha", 0.1);
    }

    @Test
    void foreachKeepsTheOrderOfVariablesAsSubmitted() {
        Map<String, List<Object>> variables = new LinkedHashMap<>();
        variables.put("x", List.of(1, 2));
        variables.put("y", List.of("a", "b"));
        WorkflowSpec spec = aWorkflow()
                .app("f", AppSpec.java("f", "1"))
                .task(foreach(TaskSpec.of("f-{x}-{y}", "f"), variables))
                .build();

        assertThat(planner.plan(spec).tasks()).extracting(PlannedTask::id).containsExactly("f-1-a", "f-1-b", "f-2-a", "f-2-b");
    }

    @Test
    void globFanInTakesOneInputPerMatchingTaskInTheOrderTasksWereGenerated() {
        WorkflowPlan plan = planner.plan(fanOutFanIn(12));

        List<FileRef> inputs = plan.task("sink").orElseThrow().inputs();

        // Declaration order, not alphabetical (which would put work-10 before work-2).
        assertThat(inputs).extracting(FileRef::path)
                .containsExactlyElementsOf(IntStream.range(0, 12).mapToObj(i -> "work/" + i + ".txt").toList());
    }

    @Test
    void aGlobInAResultArgBecomesTheListOfMatchingTasksResults() {
        WorkflowSpec spec = aWorkflow()
                .app("f", AppSpec.java("f", "1"))
                .task(TaskSpec.of("part-{i}", "f").withCount(3))
                .task(TaskSpec.of("sum", "f").withArgs(Map.of("parts", "${part-*.result}")))
                .build();

        PlannedTask sum = planner.plan(spec).task("sum").orElseThrow();

        assertThat(sum.args()).containsEntry("parts", new ResultListRef(List.of("part-0", "part-1", "part-2")));
        assertThat(sum.dependencies()).containsExactly("part-0", "part-1", "part-2");
    }

    @Test
    void aGlobNeverMatchesTheTaskThatWritesIt() {
        WorkflowSpec spec = aWorkflow()
                .app("f", AppSpec.java("f", "1"))
                .task(TaskSpec.of("step-{i}", "f").withCount(2))
                .task(TaskSpec.of("step-final", "f").withAfter("step-*"))
                .build();

        assertThat(planner.plan(spec).task("step-final").orElseThrow().dependencies()).containsExactly("step-0", "step-1");
    }

    @Test
    void globsWithAStarInTheMiddleMatchOnlyTheirShape() {
        WorkflowSpec spec = aWorkflow()
                .app("f", AppSpec.java("f", "1"))
                .task(foreach(TaskSpec.of("{kind}-{n}-out", "f"), Map.of("kind", List.of("a", "ab"), "n", List.of(1, 2))))
                .task(TaskSpec.of("a-x", "f"))
                .task(TaskSpec.of("join", "f").withAfter("a*-out", "*-2-*"))
                .build();

        assertThat(planner.plan(spec).task("join").orElseThrow().dependencies())
                .containsExactlyInAnyOrder("a-1-out", "a-2-out", "ab-1-out", "ab-2-out");
    }

    @Test
    void afterAddsEdgesWithoutPassingData() {
        WorkflowSpec spec = aWorkflow()
                .app("f", AppSpec.java("f", "1"))
                .task(TaskSpec.of("init", "f"))
                .task(TaskSpec.of("use", "f").withAfter("init"))
                .build();

        PlannedTask use = planner.plan(spec).task("use").orElseThrow();

        assertThat(use.dependencies()).containsExactly("init");
        assertThat(use.inputs()).isEmpty();
        assertThat(use.args()).isEmpty();
    }

    @Test
    void aPlainInputNamingAnotherTasksOutputWaitsForThatTask() {
        WorkflowSpec spec = aWorkflow()
                .app("f", AppSpec.bash("cat {inputs} > {outputs[0]}"))
                .task(TaskSpec.of("write", "f").withOutputs("data/x.txt"))
                .task(TaskSpec.of("read", "f").withInputs("./data//x.txt", "given.txt").withOutputs("y.txt"))
                .build();

        PlannedTask read = planner.plan(spec).task("read").orElseThrow();

        assertThat(read.inputs()).containsExactly(new TaskOutput("write", 0, "data/x.txt"), new DataFile("given.txt"));
        assertThat(read.dependencies()).containsExactly("write");
    }

    @Test
    void maxAttemptsIsOnePlusTheAppsRetriesOrElseTheWorkflows() {
        WorkflowSpec spec = aWorkflow()
                .retries(2, 10)
                .app("flaky", withRetries(AppSpec.java("flaky", "1"), 5))
                .app("plain", AppSpec.java("plain", "1"))
                .task(TaskSpec.of("a", "flaky"))
                .task(TaskSpec.of("b", "plain"))
                .build();

        WorkflowPlan plan = planner.plan(spec);

        assertThat(plan.task("a").orElseThrow().maxAttempts()).isEqualTo(6);
        assertThat(plan.task("b").orElseThrow().maxAttempts()).isEqualTo(3);
    }

    @Test
    void aHundredThousandTaskFanOutFanInIsPlanned() {
        WorkflowPlan plan = planner.plan(fanOutFanIn(100_000));

        assertThat(plan.size()).isEqualTo(100_002);
        assertThat(plan.task("sink").orElseThrow().inputs()).hasSize(100_000);
        assertThat(plan.task("work-99999").orElseThrow().dependencies()).containsExactly("source");
    }

    @Test
    void anEmptyWorkflowPlansToNoTasks() {
        assertThat(planner.plan(aWorkflow().build()).tasks()).isEmpty();
    }

    @Test
    void addedTasksMayReferenceExistingTasksAndEachOther() {
        WorkflowPlan existing = planner.plan(multiSiteExample());

        WorkflowPlan addition = planner.planAdditional(existing, List.of(
                TaskSpec.of("report", "total").withInputs("${summary.outputs[0]}", "${generate-*.outputs[0]}"),
                TaskSpec.of("summary", "concat").withInputs("${concat.outputs[0]}").withOutputs("summary.txt")));

        assertThat(addition.tasks()).extracting(PlannedTask::id).containsExactly("report", "summary");
        assertThat(addition.task("report").orElseThrow().dependencies())
                .containsExactly("summary", "generate-0", "generate-1", "generate-2", "generate-3", "generate-4");
        assertThat(existing.plus(addition).size()).isEqualTo(9);
    }
}
