package dev.trellis.worker.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.trellis.worker.app.TaskBuilder.bashTask;
import static org.assertj.core.api.Assertions.assertThat;

class BashAppRunnerTest {

    @TempDir
    Path dataRoot;

    private final Slot slot = new Slot(0);

    @AfterEach
    void closeSlot() {
        slot.close();
    }

    private AppOutcome run(TaskBuilder task) {
        return new AppExecutor(dataRoot, List.of(new BashAppRunner())).execute(task.build(), slot);
    }

    private Path workflowFile(String relative) {
        return dataRoot.resolve("wf-1").resolve(relative);
    }

    @Test
    void theCommandIsRenderedOverInputsAndOutputsAndWritesTheOutputFile() throws IOException {
        Files.createDirectories(workflowFile("."));
        Files.writeString(workflowFile("random-0.txt"), "3\n");
        Files.writeString(workflowFile("random 1.txt"), "4\n");

        AppOutcome outcome = run(bashTask("cat {inputs} > {outputs[0]}")
                .inputs("random-0.txt", "random 1.txt").outputs("all.txt"));

        assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
        assertThat(outcome.result()).isEqualTo(0);
        assertThat(outcome.exitCode()).isZero();
        assertThat(workflowFile("all.txt")).hasContent("3\n4");
    }

    @Test
    void argsAreRenderedIntoTheCommand() {
        AppOutcome outcome = run(bashTask("echo {args.greeting} > {outputs[0]}")
                .arg("greeting", "hello world").outputs("greeting.txt"));

        assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
        assertThat(workflowFile("greeting.txt")).hasContent("hello world");
    }

    @Test
    void aNonZeroExitIsAFailureCarryingTheExitCodeAndStderr() {
        AppOutcome outcome = run(bashTask("echo 'disk on fire' >&2; exit 3"));

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.error()).startsWith("BashExitFailure: exit code 3").contains("disk on fire");
        assertThat(outcome.result()).isNull();
    }

    @Test
    void stdoutAndStderrAreCapturedToFilesInTheTaskDirectory() {
        AppOutcome outcome = run(bashTask("echo to-out; echo to-err >&2; pwd").taskId("t-42"));

        Path taskDir = workflowFile("tasks/t-42");
        assertThat(taskDir.resolve("stdout.txt")).hasContent("to-out\n" + taskDir);
        assertThat(taskDir.resolve("stderr.txt")).hasContent("to-err");
        assertThat(outcome.stdoutTail()).isEqualTo("to-out\n" + taskDir);
        assertThat(outcome.stderrTail()).isEqualTo("to-err");
    }

    @Test
    void stdoutAndStderrGoWhereTheAppNamesThem() {
        run(bashTask("echo out; echo err >&2").stdout("logs/run.out").stderr("logs/run.out"));

        assertThat(workflowFile("tasks/task-1/logs/run.out")).hasContent("out\nerr");
    }

    @Test
    void walltimeKillsTheCommandAndTheChildrenItStarted() throws IOException {
        Instant start = Instant.now();

        AppOutcome outcome = run(bashTask("sleep 60 & echo $! > child.pid; wait").walltimeSeconds(1));

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.error()).isEqualTo("Walltime exceeded after 1s");
        long childPid = Long.parseLong(Files.readString(workflowFile("tasks/task-1/child.pid")).strip());
        assertThat(ProcessState.isRunning(childPid)).as("sleep 60 still running").isFalse();
        assertThat(ProcessState.isRunning(outcome.pid())).as("bash still running").isFalse();
    }

    @Test
    void aDeclaredOutputTheCommandDidNotCreateFailsTheTask() {
        AppOutcome outcome = run(bashTask("echo forgot > elsewhere.txt").outputs("result.txt"));

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.error()).isEqualTo("MissingOutputs: result.txt");
        assertThat(outcome.exitCode()).isZero();
    }

    @Test
    void aPathEscapingTheWorkflowAreaIsRejectedBeforeAnythingRuns() {
        AppOutcome outcome = run(bashTask("touch {outputs[0]}").outputs("../../escaped.txt"));

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.error()).startsWith("PathEscape:").contains("../../escaped.txt");
        assertThat(outcome.pid()).isNull();
        assertThat(dataRoot.resolveSibling("escaped.txt")).doesNotExist();
    }

    @Test
    void aPlaceholderWithoutAValueIsAFailureNamingIt() {
        AppOutcome outcome = run(bashTask("cat {inputs[2]}"));

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.error()).startsWith("CommandTemplate:").contains("{inputs[2]}");
    }

    @Test
    void thePidIsTheBashProcess() throws IOException {
        AppOutcome outcome = run(bashTask("echo $$ > {outputs[0]}").outputs("pid.txt"));

        assertThat(Files.readString(workflowFile("pid.txt")).strip()).isEqualTo(outcome.pid().toString());
    }

    @Test
    void aTaskThatFailsAfterChangingItsShellLeavesTheNextTaskOnTheSlotUntouched() throws IOException {
        AppOutcome failed = run(bashTask("cd /; export LEFT_OVER=yes; set -e; trap 'echo trapped' EXIT; false; echo unreachable")
                .taskId("first"));
        AppOutcome next = run(bashTask("echo \"[${LEFT_OVER:-}]\" > {outputs[0]}; pwd >> {outputs[0]}; "
                + "case $- in *e*) echo errexit;; esac >> {outputs[0]}").taskId("second").outputs("next.txt"));

        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.stdoutTail()).isEqualTo("trapped");
        assertThat(next.succeeded()).as(next.error()).isTrue();
        assertThat(workflowFile("next.txt")).hasContent("[]\n" + workflowFile("tasks/second"));
        assertThat(next.pid()).as("the same shell ran both").isEqualTo(failed.pid());
    }

    @Test
    void aSlotRunsTheNextTaskAfterATaskKilledAtItsWalltime() {
        AppOutcome killed = run(bashTask("sleep 60").walltimeSeconds(1).taskId("slow"));
        AppOutcome next = run(bashTask("echo after > {outputs[0]}").taskId("quick").outputs("after.txt"));

        assertThat(killed.error()).isEqualTo("Walltime exceeded after 1s");
        assertThat(next.succeeded()).as(next.error()).isTrue();
        assertThat(workflowFile("after.txt")).hasContent("after");
        assertThat(next.pid()).as("a new shell").isNotEqualTo(killed.pid());
    }

    @Test
    void aBuiltinOnlyCommandBlockedPastItsWalltimeIsKilledWithItsShellAndTheNextTaskRuns() throws Exception {
        Files.createDirectories(workflowFile("."));
        // Nobody ever opens the FIFO for reading, so echo's redirection into it blocks in the slot's shell itself.
        Process mkfifo = new ProcessBuilder("mkfifo", workflowFile("never-read.fifo").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        Instant start = Instant.now();

        AppOutcome blocked = run(bashTask("echo hi > {outputs[0]}").outputs("never-read.fifo").walltimeSeconds(1).taskId("blocked"));
        AppOutcome next = run(bashTask("echo after > {outputs[0]}").taskId("after").outputs("after.txt"));

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(blocked.error()).isEqualTo("Walltime exceeded after 1s");
        assertThat(ProcessState.isRunning(blocked.pid())).as("the blocked shell still running").isFalse();
        assertThat(next.succeeded()).as(next.error()).isTrue();
        assertThat(workflowFile("after.txt")).hasContent("after");
        assertThat(next.pid()).as("a new shell").isNotEqualTo(blocked.pid());
    }

    @Test
    void aCommandThatKillsItsShellFailsAndTheSlotStartsAnotherForTheNextTask() {
        AppOutcome killedItsShell = run(bashTask("kill -9 $$").taskId("rogue"));
        AppOutcome next = run(bashTask("echo fine").taskId("next"));

        assertThat(killedItsShell.succeeded()).isFalse();
        assertThat(killedItsShell.error()).contains("the slot's bash").contains("exited");
        assertThat(next.succeeded()).as(next.error()).isTrue();
        assertThat(next.stdoutTail()).isEqualTo("fine");
    }

    @Test
    void aCommandReadingStdinSeesEndOfFileAndCannotSwallowTheNextTask() {
        AppOutcome reader = run(bashTask("cat > {outputs[0]}; echo read-done").taskId("reader").outputs("stdin.txt"));
        AppOutcome next = run(bashTask("echo next-ran").taskId("next"));

        assertThat(reader.succeeded()).as(reader.error()).isTrue();
        assertThat(workflowFile("stdin.txt")).isEmptyFile();
        assertThat(next.stdoutTail()).isEqualTo("next-ran");
    }

    @Test
    void quotesNewlinesAndSyntaxErrorsBehaveAsUnderBashDashC() {
        AppOutcome quoted = run(bashTask("printf '%s\\n' \"it's\" 'a \"quote\"' > {outputs[0]}\necho second line >> {outputs[0]}")
                .taskId("quoted").outputs("quoted.txt"));
        AppOutcome broken = run(bashTask("if then fi").taskId("broken"));

        assertThat(quoted.succeeded()).as(quoted.error()).isTrue();
        assertThat(workflowFile("quoted.txt")).hasContent("it's\na \"quote\"\nsecond line");
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.stderrTail()).contains("syntax error");
    }

    @Test
    void aBuiltinOnlyCommandRunsInTheSlotShellItselfWithItsOwnStreamsAndDirectory() throws IOException {
        AppOutcome echoed = run(bashTask("echo $BASH_SUBSHELL > {outputs[0]}; echo out; echo err >&2; echo \"$PWD\" >> {outputs[0]}")
                .taskId("echoes").outputs("depth.txt"));
        AppOutcome next = run(bashTask("pwd; echo $BASH_SUBSHELL").taskId("next"));

        assertThat(echoed.succeeded()).as(echoed.error()).isTrue();
        assertThat(workflowFile("depth.txt")).as("no subshell, run in its own directory")
                .hasContent("0\n" + workflowFile("tasks/echoes"));
        assertThat(echoed.stdoutTail()).isEqualTo("out");
        assertThat(echoed.stderrTail()).isEqualTo("err");
        assertThat(next.stdoutTail()).as("the next task, in a subshell, has its own directory and output files")
                .isEqualTo(workflowFile("tasks/next") + "\n1");
        assertThat(next.pid()).isEqualTo(echoed.pid());
    }

    @Test
    void aBuiltinOnlyCommandThatFailsReportsItsExitCodeAndStderr() {
        AppOutcome unwritable = run(bashTask("echo hi > /nonexistent-dir/out.txt").taskId("unwritable"));
        AppOutcome fails = run(bashTask("echo before; false").taskId("fails"));

        assertThat(unwritable.exitCode()).isEqualTo(1);
        assertThat(unwritable.error()).contains("No such file or directory");
        assertThat(fails.exitCode()).isEqualTo(1);
        assertThat(fails.stdoutTail()).isEqualTo("before");
    }

    @Test
    void commandsWithMultiByteTextOrLongerThanThePipeBufferArriveWholeInTheShellAndInSubshells() throws IOException {
        String text = "héllo ✓ 日本 " + "x".repeat(100_000);
        AppOutcome inShell = run(bashTask("echo '" + text + "' > {outputs[0]}").taskId("in-shell").outputs("in-shell.txt")
                .walltimeSeconds(10)); // a script cut at the wrong byte would leave the shell waiting
        AppOutcome inSubshell = run(bashTask("printf '%s\\n' '" + text + "' > {outputs[0]}").taskId("subshell").outputs("subshell.txt")
                .walltimeSeconds(10));
        AppOutcome next = run(bashTask("echo ✓ next").taskId("next").walltimeSeconds(10));

        assertThat(inShell.succeeded()).as(inShell.error()).isTrue();
        assertThat(inSubshell.succeeded()).as(inSubshell.error()).isTrue();
        assertThat(Files.readString(workflowFile("in-shell.txt"))).isEqualTo(text + "\n");
        assertThat(Files.readString(workflowFile("subshell.txt"))).isEqualTo(text + "\n");
        assertThat(next.stdoutTail()).isEqualTo("✓ next");
        assertThat(next.pid()).as("one shell ran all three").isEqualTo(inShell.pid());
    }

    @Test
    void aCommandWithANulCharacterFailsWithoutReachingTheShellAndTheNextTaskRuns() {
        AppOutcome nul = run(bashTask("echo {args.text} > {outputs[0]}").arg("text", "a\u0000b").taskId("nul").outputs("nul.txt")
                .walltimeSeconds(10));
        AppOutcome next = run(bashTask("echo next").taskId("next").walltimeSeconds(10));

        assertThat(nul.succeeded()).isFalse();
        assertThat(nul.error()).contains("NUL");
        assertThat(workflowFile("nul.txt")).doesNotExist();
        assertThat(next.succeeded()).as(next.error()).isTrue();
        assertThat(next.stdoutTail()).isEqualTo("next");
    }
}
