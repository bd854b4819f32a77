package dev.trellis.protocol.spec;

import java.util.List;
import java.util.Map;

/**
 * One invocation of an app, or a template for many when {@code count} or {@code foreach} is set
 * (Parsl's {@code for i in range(5)}). In a template, {@code {i}} (or a foreach variable) is
 * substituted in the id, args, inputs and outputs.
 *
 * @param id      unique task id; a template's id must contain its variable
 * @param app     name of an app in {@link WorkflowSpec#apps()}
 * @param args    named arguments; a string that is exactly {@code ${task.result}} takes that task's result
 * @param inputs  files read by the task: paths in the workflow's data area or {@code ${task.outputs[i]}}
 * @param outputs files the task must produce, relative to the workflow's data area
 * @param after   explicit dependencies on task ids (or id globs) without passing data
 * @param count   generate {@code count} tasks with {@code {i}} = 0..count-1
 * @param foreach generate one task per value: variable name to its values
 */
public record TaskSpec(
        String id,
        String app,
        Map<String, Object> args,
        List<String> inputs,
        List<String> outputs,
        List<String> after,
        Integer count,
        Map<String, List<Object>> foreach) {

    public TaskSpec {
        args = args == null ? Map.of() : args;
        inputs = inputs == null ? List.of() : inputs;
        outputs = outputs == null ? List.of() : outputs;
        after = after == null ? List.of() : after;
    }

    public static TaskSpec of(String id, String app) {
        return new TaskSpec(id, app, null, null, null, null, null, null);
    }

    public TaskSpec withArgs(Map<String, Object> newArgs) {
        return new TaskSpec(id, app, newArgs, inputs, outputs, after, count, foreach);
    }

    public TaskSpec withInputs(String... newInputs) {
        return new TaskSpec(id, app, args, List.of(newInputs), outputs, after, count, foreach);
    }

    public TaskSpec withOutputs(String... newOutputs) {
        return new TaskSpec(id, app, args, inputs, List.of(newOutputs), after, count, foreach);
    }

    public TaskSpec withAfter(String... newAfter) {
        return new TaskSpec(id, app, args, inputs, outputs, List.of(newAfter), count, foreach);
    }

    public TaskSpec withCount(int newCount) {
        return new TaskSpec(id, app, args, inputs, outputs, after, newCount, foreach);
    }
}
