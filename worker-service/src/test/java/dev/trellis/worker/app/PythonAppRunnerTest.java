package dev.trellis.worker.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.trellis.worker.app.TaskBuilder.pythonTask;
import static org.assertj.core.api.Assertions.assertThat;

class PythonAppRunnerTest {

    /** The seed's elasticity example, minus its sleep: shows which process ran the app. */
    private static final String HELLO_FROM_PID = """
            def python_app():
                import os
                return "(%s) Hello World!" % os.getpid()
            """;

    /** The seed's total app, unchanged. */
    private static final String TOTAL = """
            def total(inputs=[]):
                total = 0
                with open(inputs[0], 'r') as f:
                    for l in f:
                        total += int(l)
                return total
            """;

    @TempDir
    Path dataRoot;

    // shared by the tests, as a block's slots are shared by its tasks: interpreters start once
    private static final Slot slot = new Slot(0);
    private static final Slot otherSlot = new Slot(1);

    @AfterAll
    static void closeSlots() {
        slot.close();
        otherSlot.close();
    }

    private AppOutcome run(TaskBuilder task, Slot on) {
        return new AppExecutor(dataRoot, List.of(new PythonAppRunner())).execute(task.build(), on);
    }

    private AppOutcome run(TaskBuilder task) {
        return run(task, slot);
    }

    @Test
    void aFunctionReturnsJsonValues() {
        AppOutcome outcome = run(pythonTask("describe", """
                def describe(name, sizes):
                    return {"name": name, "total": sum(sizes), "mean": sum(sizes) / len(sizes),
                            "flags": [True, None], "nested": {"n": len(sizes)}}
                """).arg("name", "run-1").arg("sizes", List.of(1, 2, 3)));

        assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
        assertThat(outcome.result()).isEqualTo(Map.of(
                "name", "run-1", "total", 6, "mean", 2.0,
                "flags", java.util.Arrays.asList(true, null), "nested", Map.of("n", 3)));
    }

    @Test
    void oneSlotKeepsOneInterpreterSoTheAppSeesTheSamePidOnEveryCall() {
        AppOutcome first = run(pythonTask("python_app", HELLO_FROM_PID));
        AppOutcome second = run(pythonTask("python_app", HELLO_FROM_PID).taskId("task-2"));

        assertThat(first.result()).isEqualTo("(" + first.pid() + ") Hello World!");
        assertThat(second.pid()).isEqualTo(first.pid());
        assertThat(second.result()).isEqualTo(first.result());
    }

    @Test
    void twoSlotsRunTwoInterpreters() {
        AppOutcome onFirst = run(pythonTask("python_app", HELLO_FROM_PID), slot);
        AppOutcome onSecond = run(pythonTask("python_app", HELLO_FROM_PID), otherSlot);

        assertThat(onFirst.pid()).isNotEqualTo(onSecond.pid());
    }

    @Test
    void anExceptionIsAFailureWithATracebackThroughTheAppsFunction() {
        AppOutcome outcome = run(pythonTask("ratio", """
                def ratio(a, b):
                    return a / b
                """).arg("a", 1).arg("b", 0));

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.error())
                .startsWith("ZeroDivisionError: division by zero")
                .contains("Traceback (most recent call last)")
                .contains("in ratio")
                .contains("return a / b");
        assertThat(outcome.stderrTail()).contains("ZeroDivisionError");
    }

    @Test
    void theSeedsTotalAppSumsTheIntegersInItsInputFile() throws IOException {
        Files.createDirectories(dataRoot.resolve("wf-1"));
        Files.writeString(dataRoot.resolve("wf-1/all.txt"), "12\n30\n");

        AppOutcome outcome = run(pythonTask("total", TOTAL).inputs("all.txt"));

        assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
        assertThat(outcome.result()).isEqualTo(42);
    }

    @Test
    void aFunctionWithoutInputsOrOutputsParametersIsStillCallable() {
        AppOutcome outcome = run(pythonTask("slow_double", """
                def slow_double(x):
                    return x * 2
                """).arg("x", 21).inputs("unused.txt"));

        assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
        assertThat(outcome.result()).isEqualTo(42);
    }

    @Test
    void aFunctionTakingKeywordArgumentsReceivesInputsAndOutputs() {
        AppOutcome outcome = run(pythonTask("write", """
                def write(**kwargs):
                    with open(kwargs["outputs"][0], "w") as f:
                        f.write("written")
                    return sorted(kwargs)
                """).outputs("out.txt"));

        assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
        assertThat(outcome.result()).isEqualTo(List.of("inputs", "outputs"));
        assertThat(dataRoot.resolve("wf-1/out.txt")).hasContent("written");
    }

    @Test
    void printsGoToTheTasksFilesAndLeaveTheProtocolIntact() {
        AppOutcome outcome = run(pythonTask("chatty", """
                import os, sys
                def chatty():
                    print("hello from the app")
                    print("a warning", file=sys.stderr)
                    os.system("echo from a child process")
                    return os.getcwd()
                """).taskId("t-9"));

        Path taskDir = dataRoot.resolve("wf-1/tasks/t-9");
        assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
        assertThat(outcome.result()).isEqualTo(taskDir.toString());
        assertThat(taskDir.resolve("stdout.txt")).hasContent("hello from the app\nfrom a child process");
        assertThat(outcome.stdoutTail()).isEqualTo("hello from the app\nfrom a child process");
        assertThat(outcome.stderrTail()).isEqualTo("a warning");
    }

    @Test
    void aValueJsonCannotCarryComesBackAsItsRepr() {
        AppOutcome outcome = run(pythonTask("pair", """
                def pair():
                    return {1, 2}
                """));

        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.result()).isEqualTo("{1, 2}");
        assertThat(outcome.stderrTail()).contains("not JSON-serializable");
    }

    @Test
    void walltimeKillsTheInterpreterAndTheNextCallGetsANewOne() {
        AppOutcome before = run(pythonTask("python_app", HELLO_FROM_PID));
        Instant start = Instant.now();

        AppOutcome stuck = run(pythonTask("stuck", """
                import time
                def stuck():
                    time.sleep(60)
                """).walltimeSeconds(1));
        AppOutcome after = run(pythonTask("python_app", HELLO_FROM_PID));

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(stuck.succeeded()).isFalse();
        assertThat(stuck.error()).isEqualTo("Walltime exceeded after 1s");
        assertThat(after.succeeded()).as(after.error()).isTrue();
        assertThat(after.pid()).isNotEqualTo(before.pid());
    }

    @Test
    void anInterpreterThatDiesMidCallIsAClearFailureAndIsReplaced() {
        AppOutcome died = run(pythonTask("crash", """
                import os
                def crash():
                    os._exit(7)
                """));
        AppOutcome after = run(pythonTask("python_app", HELLO_FROM_PID));

        assertThat(died.succeeded()).isFalse();
        assertThat(died.error()).contains("exited with code 7 during the call");
        assertThat(after.succeeded()).as(after.error()).isTrue();
        assertThat(after.pid()).isNotEqualTo(died.pid());
    }

    @Test
    void sysExitInAnAppIsTheAppsFailureNotTheSlots() {
        AppOutcome exited = run(pythonTask("quit", """
                import sys
                def quit():
                    sys.exit(2)
                """));
        AppOutcome after = run(pythonTask("python_app", HELLO_FROM_PID));

        assertThat(exited.error()).startsWith("SystemExit: 2");
        assertThat(after.pid()).isEqualTo(exited.pid());
    }

    @Test
    void aMissingFunctionIsAFailureNamingWhatTheSourceDefines() {
        AppOutcome outcome = run(pythonTask("absent", """
                def present():
                    pass
                """));

        assertThat(outcome.error()).startsWith("LookupError:").contains("'absent'").contains("present");
    }

    @Test
    void theFunctionNamedInTheAppOverridesTheAppName() {
        AppOutcome outcome = run(pythonTask("app-name", """
                def actual():
                    return "called"
                """).function("actual"));

        assertThat(outcome.result()).isEqualTo("called");
    }
}
