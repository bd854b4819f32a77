package dev.trellis.worker.app;

import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.AppType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Task messages for runner tests, starting from the kind of app they run. */
final class TaskBuilder {

    private final AppType type;
    private String workflowId = "wf-1";
    private String taskId = "task-1";
    private String appName = "app";
    private String command;
    private String source;
    private String function;
    private String version;
    private Integer walltimeSeconds;
    private String stdout;
    private String stderr;
    private final Map<String, Object> args = new LinkedHashMap<>();
    private List<String> inputs = List.of();
    private List<String> outputs = List.of();

    private TaskBuilder(AppType type) {
        this.type = type;
    }

    static TaskBuilder bashTask(String command) {
        TaskBuilder task = new TaskBuilder(AppType.BASH);
        task.command = command;
        return task;
    }

    /** A python task whose app name is the function's name, as in Parsl. */
    static TaskBuilder pythonTask(String function, String source) {
        TaskBuilder task = new TaskBuilder(AppType.PYTHON);
        task.appName = function;
        task.source = source;
        return task;
    }

    static TaskBuilder javaTask(String function, String version) {
        TaskBuilder task = new TaskBuilder(AppType.JAVA);
        task.function = function;
        task.version = version;
        return task;
    }

    TaskBuilder workflowId(String workflowId) {
        this.workflowId = workflowId;
        return this;
    }

    TaskBuilder taskId(String taskId) {
        this.taskId = taskId;
        return this;
    }

    TaskBuilder function(String function) {
        this.function = function;
        return this;
    }

    TaskBuilder arg(String name, Object value) {
        args.put(name, value);
        return this;
    }

    TaskBuilder inputs(String... inputs) {
        this.inputs = List.of(inputs);
        return this;
    }

    TaskBuilder outputs(String... outputs) {
        this.outputs = List.of(outputs);
        return this;
    }

    TaskBuilder walltimeSeconds(int walltimeSeconds) {
        this.walltimeSeconds = walltimeSeconds;
        return this;
    }

    TaskBuilder stdout(String stdout) {
        this.stdout = stdout;
        return this;
    }

    TaskBuilder stderr(String stderr) {
        this.stderr = stderr;
        return this;
    }

    TaskMessage build() {
        AppSpec app = new AppSpec(type, command, source, function, version, List.of(), null, walltimeSeconds, null, stdout, stderr);
        return new TaskMessage(workflowId, taskId, 1, "local", appName, app,
                new LinkedHashMap<>(args), inputs, outputs);
    }
}
