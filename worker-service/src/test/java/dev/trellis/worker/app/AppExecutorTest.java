package dev.trellis.worker.app;

import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.trellis.worker.app.TaskBuilder.bashTask;
import static dev.trellis.worker.app.TaskBuilder.javaTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppExecutorTest {

    @TempDir
    Path dataRoot;

    private final Slot slot = new Slot(0);

    /** A java runner whose every run ends as the given action says. */
    private static AppRunner javaRunner(RunAction action) {
        return new AppRunner() {
            @Override
            public AppType type() {
                return AppType.JAVA;
            }

            @Override
            public AppOutcome run(TaskMessage task, TaskWorkspace workspace, Slot slot) throws Exception {
                return action.run(workspace);
            }
        };
    }

    private interface RunAction {
        AppOutcome run(TaskWorkspace workspace) throws Exception;
    }

    @Test
    void aJavaTaskGetsItsWorkingDirectoryOnlyWhenItAsksForIt() {
        JavaAppRegistry registry = new JavaAppRegistry()
                .register("quiet", "1", call -> "done")
                .register("scratch", "1", call -> Files.exists(call.scratchDirectory()) && call.scratchDirectory().equals(call.workingDir()));
        AppExecutor executor = new AppExecutor(dataRoot, List.of(new JavaAppRunner(registry)));
        TaskMessage quiet = javaTask("quiet", "1").outputs("out/made-later.txt").build();
        TaskMessage scratch = javaTask("scratch", "1").taskId("scratcher").build();

        AppOutcome quietOutcome = executor.execute(quiet, slot);
        AppOutcome scratchOutcome = executor.execute(scratch, slot);

        assertThat(quietOutcome.error()).isEqualTo("MissingOutputs: out/made-later.txt");
        assertThat(dataRoot.resolve(quiet.workflowId()).resolve("out")).as("outputs' directories are still made").isDirectory();
        assertThat(dataRoot.resolve(quiet.workflowId()).resolve("tasks").resolve(quiet.taskId())).doesNotExist();
        assertThat(scratchOutcome.result()).isEqualTo(true);
    }

    @Test
    void anAppTypeWithoutARunnerIsAFailureNamingWhatTheWorkerRuns() {
        AppExecutor executor = new AppExecutor(dataRoot, List.of(new BashAppRunner()));

        AppOutcome outcome = executor.execute(javaTask("echo", "1").build(), slot);

        assertThat(outcome.error()).isEqualTo("this worker cannot run java apps; it runs [bash]");
    }

    @Test
    void aRunnerExceptionBecomesAFailureWithItsStackTrace() {
        AppExecutor executor = new AppExecutor(dataRoot, List.of(javaRunner(workspace -> {
            throw new IllegalStateException("runner broke");
        })));

        AppOutcome outcome = executor.execute(javaTask("any", "1").build(), slot);

        assertThat(outcome.error()).startsWith("java.lang.IllegalStateException: runner broke").contains("\tat ");
    }

    @Test
    void missingOutputsFailAnyAppTypeThatReportedSuccess() {
        AppExecutor executor = new AppExecutor(dataRoot, List.of(javaRunner(workspace -> {
            Files.writeString(workspace.outputs().get(0), "made");
            return AppOutcome.success("done").withPid(42);
        })));

        AppOutcome outcome = executor.execute(javaTask("any", "1").outputs("made.txt", "a.txt", "b/c.txt").build(), slot);

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.error()).isEqualTo("MissingOutputs: a.txt, b/c.txt");
        assertThat(outcome.result()).isNull();
        assertThat(outcome.pid()).isEqualTo(42);
    }

    @Test
    void anInterruptedRunIsAFailureAndKeepsTheInterruptFlag() {
        AppExecutor executor = new AppExecutor(dataRoot, List.of(javaRunner(workspace -> {
            throw new InterruptedException();
        })));

        AppOutcome outcome = executor.execute(javaTask("any", "1").build(), slot);

        assertThat(outcome.error()).startsWith("Interrupted");
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void twoRunnersForOneAppTypeAreRefused() {
        assertThatThrownBy(() -> new AppExecutor(dataRoot, List.of(new BashAppRunner(), new BashAppRunner())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two runners for bash apps");
    }

    @Test
    void theExecutorSaysWhichAppTypesItRuns() {
        AppExecutor executor = new AppExecutor(dataRoot,
                List.of(new BashAppRunner(), new PythonAppRunner(), new JavaAppRunner(new JavaAppRegistry())));

        assertThat(executor.supportedTypes()).containsExactlyInAnyOrder(AppType.values());
        assertThat(executor.execute(bashTask("true").build(), slot).succeeded()).isTrue();
    }
}
