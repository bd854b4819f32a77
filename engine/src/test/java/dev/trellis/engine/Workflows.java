package dev.trellis.engine;

import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.ErrorPolicy;
import dev.trellis.protocol.spec.TaskSpec;
import dev.trellis.protocol.spec.WorkflowSettings;
import dev.trellis.protocol.spec.WorkflowSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Workflow specs for tests: a builder and the shapes tests keep needing. */
public final class Workflows {

    public static final String THREADS = "Local_Threads";
    public static final String IPP = "Local_IPP";
    public static final Set<String> SITES = Set.of(THREADS, IPP);

    private Workflows() {
    }

    public static Builder aWorkflow() {
        return new Builder();
    }

    /** Parsl's multi-site example: 5 generate (threads) -> concat (ipp) -> total (any site). */
    public static WorkflowSpec multiSiteExample() {
        return aWorkflow()
                .app("generate", AppSpec.bash("echo $(( RANDOM )) &> {outputs[0]}", THREADS))
                .app("concat", AppSpec.bash("cat {inputs} > {outputs[0]}", IPP))
                .app("total", AppSpec.python("total", "def total(inputs=[]):\n    return sum(int(l) for l in open(inputs[0]))\n"))
                .task(TaskSpec.of("generate-{i}", "generate").withOutputs("random-{i}.txt").withCount(5))
                .task(TaskSpec.of("concat", "concat").withInputs("${generate-*.outputs[0]}").withOutputs("all.txt"))
                .task(TaskSpec.of("total", "total").withInputs("${concat.outputs[0]}"))
                .build();
    }

    /** a -> b, a -> c, b + c -> d, passing results through args. */
    public static WorkflowSpec diamond() {
        return aWorkflow()
                .app("step", AppSpec.java("step", "1"))
                .task(TaskSpec.of("a", "step"))
                .task(TaskSpec.of("b", "step").withArgs(Map.of("x", "${a.result}")))
                .task(TaskSpec.of("c", "step").withArgs(Map.of("x", "${a.result}")))
                .task(TaskSpec.of("d", "step").withArgs(Map.of("left", "${b.result}", "right", "${c.result}")))
                .build();
    }

    /** One source, {@code width} workers each reading its output, one sink reading all of theirs. */
    public static WorkflowSpec fanOutFanIn(int width) {
        return aWorkflow()
                .app("work", AppSpec.bash("cat {inputs} > {outputs[0]}"))
                .task(TaskSpec.of("source", "work").withOutputs("source.txt"))
                .task(TaskSpec.of("work-{i}", "work").withInputs("${source.outputs[0]}").withOutputs("work/{i}.txt").withCount(width))
                .task(TaskSpec.of("sink", "work").withInputs("${work-*.outputs[0]}").withOutputs("sink.txt"))
                .build();
    }

    /** A task template with one task per combination of the variables' values. */
    public static TaskSpec foreach(TaskSpec task, Map<String, List<Object>> variables) {
        return new TaskSpec(task.id(), task.app(), task.args(), task.inputs(), task.outputs(), task.after(), null, variables);
    }

    public static AppSpec withRetries(AppSpec app, int retries) {
        return new AppSpec(app.type(), app.command(), app.source(), app.function(), app.version(), app.sites(),
                retries, app.walltimeSeconds(), app.cache(), app.stdout(), app.stderr());
    }

    public static final class Builder {
        private ErrorPolicy errorPolicy = ErrorPolicy.LAZY;
        private int retries;
        private long retryBackoffMs = 1000;
        private String defaultSite;
        private final Map<String, AppSpec> apps = new LinkedHashMap<>();
        private final List<TaskSpec> tasks = new ArrayList<>();

        public Builder failFast() {
            errorPolicy = ErrorPolicy.FAIL_FAST;
            return this;
        }

        public Builder retries(int newRetries, long backoffMs) {
            retries = newRetries;
            retryBackoffMs = backoffMs;
            return this;
        }

        public Builder defaultSite(String site) {
            defaultSite = site;
            return this;
        }

        public Builder app(String appName, AppSpec app) {
            apps.put(appName, app);
            return this;
        }

        public Builder task(TaskSpec task) {
            tasks.add(task);
            return this;
        }

        public WorkflowSpec build() {
            return new WorkflowSpec("test", new WorkflowSettings(errorPolicy, retries, retryBackoffMs, defaultSite), Map.of(), apps, tasks);
        }
    }
}
