package dev.trellis.worker.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.trellis.worker.app.TaskBuilder.bashTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskWorkspaceTest {

    @TempDir
    Path dataRoot;

    @Test
    void inputsAndOutputsResolveInsideTheWorkflowArea() throws IOException {
        TaskWorkspace workspace = TaskWorkspace.prepare(dataRoot,
                bashTask("true").workflowId("wf-7").inputs("random-0.txt").outputs("results/all.txt").build(), true);

        Path area = dataRoot.resolve("wf-7");
        assertThat(workspace.workflowArea()).isEqualTo(area);
        assertThat(workspace.inputs()).containsExactly(area.resolve("random-0.txt"));
        assertThat(workspace.outputs()).containsExactly(area.resolve("results/all.txt"));
        assertThat(workspace.inputsAsText()).containsExactly(area.resolve("random-0.txt").toString());
    }

    @Test
    void theTaskWorkingDirectoryAndOutputParentsAreCreated() throws IOException {
        TaskWorkspace workspace = TaskWorkspace.prepare(dataRoot,
                bashTask("true").workflowId("wf-7").taskId("concat").outputs("results/all.txt").build(), true);

        assertThat(workspace.workingDir()).isEqualTo(dataRoot.resolve("wf-7/tasks/concat")).isDirectory();
        assertThat(dataRoot.resolve("wf-7/results")).isDirectory();
        assertThat(workspace.stdoutFile()).isEqualTo(workspace.workingDir().resolve("stdout.txt"));
        assertThat(workspace.stderrFile()).isEqualTo(workspace.workingDir().resolve("stderr.txt"));
    }

    @Test
    void anInputThatClimbsOutOfTheWorkflowAreaIsRefused() {
        assertThatThrownBy(() -> TaskWorkspace.prepare(dataRoot, bashTask("true").inputs("../other-wf/secret.txt").build(), true))
                .isInstanceOf(PathEscapeException.class)
                .hasMessageContaining("../other-wf/secret.txt");
    }

    @Test
    void anAbsoluteOutputOutsideTheWorkflowAreaIsRefused() {
        assertThatThrownBy(() -> TaskWorkspace.prepare(dataRoot, bashTask("true").outputs("/etc/passwd").build(), true))
                .isInstanceOf(PathEscapeException.class);
    }

    @Test
    void aStdoutNameThatLeavesTheTaskDirectoryIsRefused() {
        assertThatThrownBy(() -> TaskWorkspace.prepare(dataRoot, bashTask("true").stdout("../../out.txt").build(), true))
                .isInstanceOf(PathEscapeException.class);
    }

    @Test
    void idsThatAreNotASingleDirectoryNameAreRefused() {
        assertThatThrownBy(() -> TaskWorkspace.prepare(dataRoot, bashTask("true").workflowId("..").build(), true))
                .isInstanceOf(PathEscapeException.class);
        assertThatThrownBy(() -> TaskWorkspace.prepare(dataRoot, bashTask("true").taskId("a/../../b").build(), true))
                .isInstanceOf(PathEscapeException.class);
    }

    @Test
    void missingOutputsAreNamedAsTheTaskDeclaredThem() throws IOException {
        TaskWorkspace workspace = TaskWorkspace.prepare(dataRoot, bashTask("true").outputs("made.txt", "lost/never.txt").build(), true);
        Files.writeString(workspace.outputs().get(0), "x");

        assertThat(workspace.missingOutputs()).containsExactly("lost/never.txt");
    }
}
