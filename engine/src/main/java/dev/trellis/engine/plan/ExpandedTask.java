package dev.trellis.engine.plan;

import java.util.List;
import java.util.Map;

/**
 * One task after template expansion, before its references are resolved.
 *
 * @param specIndex index of the TaskSpec it came from, for problem paths
 * @param generated true when a count or foreach template generated it
 */
record ExpandedTask(
        int specIndex,
        boolean generated,
        String id,
        String app,
        Map<String, Object> args,
        List<String> inputs,
        List<String> outputs,
        List<String> after) {

    ExpandedTask withOutputs(List<String> newOutputs) {
        return new ExpandedTask(specIndex, generated, id, app, args, inputs, newOutputs, after);
    }

    String path() {
        return SpecPath.task(specIndex);
    }
}
