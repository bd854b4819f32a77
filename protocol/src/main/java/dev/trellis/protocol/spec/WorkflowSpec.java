package dev.trellis.protocol.spec;

import java.util.List;
import java.util.Map;

/**
 * A workflow as a user submits it (JSON or YAML): apps defined once, tasks that invoke them.
 *
 * <p>Task fields may contain references: {@code ${task.result}} (the whole value of an arg) and
 * {@code ${task.outputs[i]}} (an input file); {@code *} in the task id of a reference matches every
 * task generated from one template ({@code ${generate-*.outputs[0]}}). A reference creates the
 * dependency edge, as passing a Parsl future does.
 */
public record WorkflowSpec(
        String name,
        WorkflowSettings settings,
        Map<String, String> labels,
        Map<String, AppSpec> apps,
        List<TaskSpec> tasks) {

    public WorkflowSpec {
        settings = settings == null ? WorkflowSettings.DEFAULTS : settings;
        labels = labels == null ? Map.of() : labels;
        apps = apps == null ? Map.of() : apps;
        tasks = tasks == null ? List.of() : tasks;
    }
}
