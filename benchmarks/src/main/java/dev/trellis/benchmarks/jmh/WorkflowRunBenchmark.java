package dev.trellis.benchmarks.jmh;

import dev.trellis.benchmarks.WorkflowDocuments;
import dev.trellis.engine.plan.WorkflowPlan;
import dev.trellis.engine.plan.WorkflowPlanner;
import dev.trellis.engine.run.Step;
import dev.trellis.engine.run.WorkflowRun;
import dev.trellis.engine.run.WorkflowStatus;
import dev.trellis.protocol.WireCodec;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Set;

/**
 * The DAG state machine alone: a large workflow driven from start to SUCCEEDED, every task
 * dispatched, started and succeeded in turn, each success releasing its dependents into the
 * ready set. The score is task completions per second (three events and a ready-set update each);
 * building the run from its plan is left out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WorkflowRunBenchmark {

    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    /** {@code fan}: one root, N leaves, one join; {@code chains}: N/100 chains of 100. */
    @Param({"fan", "chains"})
    String shape;

    @Param({"100000"})
    int tasks;

    private WorkflowPlan plan;
    private WorkflowRun run;

    @Setup(Level.Trial)
    public void plan() {
        String document = "fan".equals(shape)
                ? WorkflowDocuments.fanOutFanIn("jmh-fan", tasks - 2)
                : WorkflowDocuments.chains("jmh-chains", tasks / 100, 100);
        plan = new WorkflowPlanner(Set.of("threads")).plan(WireCodec.readSpec(document));
    }

    @Setup(Level.Invocation)
    public void freshRun() {
        run = WorkflowRun.sealed(plan);
    }

    /** Counts completed tasks, so the score is tasks per second whatever the DAG's size. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Completions {
        public long tasksCompleted;

        @Setup(Level.Iteration)
        public void reset() {
            tasksCompleted = 0;
        }
    }

    @Benchmark
    public WorkflowStatus runToTheEnd(Completions completions, Blackhole blackhole) {
        ArrayDeque<Step.Attempt> ready = new ArrayDeque<>(run.start(NOW).dispatch());
        WorkflowStatus finished = null;
        while (!ready.isEmpty()) {
            Step.Attempt attempt = ready.poll();
            blackhole.consume(run.onDispatched(attempt.taskId(), attempt.attempt(), NOW));
            blackhole.consume(run.onStarted(attempt.taskId(), attempt.attempt(), NOW));
            Step succeeded = run.onSucceeded(attempt.taskId(), attempt.attempt(), "ok", NOW);
            ready.addAll(succeeded.dispatch());
            completions.tasksCompleted++;
            if (succeeded.finishedAs() != null) {
                finished = succeeded.finishedAs();
            }
        }
        if (finished != WorkflowStatus.SUCCEEDED) {
            throw new IllegalStateException("the run did not succeed: " + finished);
        }
        return finished;
    }
}
