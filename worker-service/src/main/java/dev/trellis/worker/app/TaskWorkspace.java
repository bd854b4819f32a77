package dev.trellis.worker.app;

import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Where a task's files are on this worker. The data root is storage shared by the scheduler and
 * the workers; each workflow has an area {@code <root>/<workflowId>/}, against which the task's
 * relative inputs and outputs are resolved, and each task a working directory
 * {@code <root>/<workflowId>/tasks/<taskId>/} for its stdout, stderr and scratch files.
 *
 * <p>No path may leave the workflow area (nor a stdout/stderr name its task directory): a task
 * message must not be able to read or overwrite another workflow's files. The check is lexical;
 * symbolic links inside the shared storage are trusted.
 */
public final class TaskWorkspace {

    static final String DEFAULT_STDOUT = "stdout.txt";
    static final String DEFAULT_STDERR = "stderr.txt";

    private final Path workflowArea;
    private final Path workingDir;
    private final List<String> declaredOutputs;
    private final List<Path> inputs;
    private final List<Path> outputs;
    private final Path stdoutFile;
    private final Path stderrFile;

    private TaskWorkspace(Path dataRoot, TaskMessage task) {
        Path root = dataRoot.toAbsolutePath().normalize();
        this.workflowArea = childDirectory(root, task.workflowId());
        this.workingDir = childDirectory(workflowArea.resolve("tasks"), task.taskId());
        this.declaredOutputs = task.outputs();
        this.inputs = task.inputs().stream().map(path -> within(workflowArea, path)).toList();
        this.outputs = task.outputs().stream().map(path -> within(workflowArea, path)).toList();
        AppSpec app = task.app();
        this.stdoutFile = within(workingDir, app == null || app.stdout() == null ? DEFAULT_STDOUT : app.stdout());
        this.stderrFile = within(workingDir, app == null || app.stderr() == null ? DEFAULT_STDERR : app.stderr());
    }

    /**
     * Resolves the task's paths and creates the parent directories of its outputs, so apps can
     * write {@code outputs[0]} without a {@code mkdir -p} of their own, and, when
     * {@code workingDirectory} is true, its working directory and its stdout and stderr files'
     * directories.
     *
     * @throws PathEscapeException when an id, input, output or stdout/stderr name leaves its area
     */
    public static TaskWorkspace prepare(Path dataRoot, TaskMessage task, boolean workingDirectory) throws IOException {
        TaskWorkspace workspace = new TaskWorkspace(dataRoot, task);
        if (workingDirectory) {
            Files.createDirectories(workspace.workingDir);
            Files.createDirectories(workspace.stdoutFile.getParent());
            Files.createDirectories(workspace.stderrFile.getParent());
        }
        for (Path output : workspace.outputs) {
            Files.createDirectories(output.getParent());
        }
        return workspace;
    }

    public Path workflowArea() {
        return workflowArea;
    }

    public Path workingDir() {
        return workingDir;
    }

    /** The task's inputs as absolute paths, in message order. */
    public List<Path> inputs() {
        return inputs;
    }

    /** The task's outputs as absolute paths, in message order. */
    public List<Path> outputs() {
        return outputs;
    }

    /** The inputs as absolute path strings, for command lines and the python protocol. */
    public List<String> inputsAsText() {
        return inputs.stream().map(Path::toString).toList();
    }

    /** The outputs as absolute path strings, for command lines and the python protocol. */
    public List<String> outputsAsText() {
        return outputs.stream().map(Path::toString).toList();
    }

    public Path stdoutFile() {
        return stdoutFile;
    }

    public Path stderrFile() {
        return stderrFile;
    }

    /** Declared outputs (as the message named them) that do not exist now. */
    public List<String> missingOutputs() {
        return IntStream.range(0, outputs.size())
                .filter(i -> !Files.exists(outputs.get(i)))
                .mapToObj(declaredOutputs::get)
                .toList();
    }

    private static Path within(Path boundary, String path) {
        Path resolved = boundary.resolve(path).normalize();
        if (!resolved.startsWith(boundary) || resolved.equals(boundary)) {
            throw new PathEscapeException(path, boundary);
        }
        return resolved;
    }

    /** An id used as one directory name: no separators, no "." or "..". */
    private static Path childDirectory(Path parent, String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a task message needs a workflow id and a task id");
        }
        Path child = within(parent, id);
        if (!child.getParent().equals(parent)) {
            throw new PathEscapeException(id, parent);
        }
        return child;
    }
}
