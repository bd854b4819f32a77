package dev.trellis.benchmarks;

import dev.trellis.protocol.WireCodec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark workflows as JSON documents, the way any REST client submits them. */
public final class WorkflowDocuments {

    /** Built into every worker: returns {@code args.value}, so a task costs only Trellis's own overhead. */
    private static final Map<String, Object> ECHO_APP = Map.of("type", "java", "function", "echo", "version", "1");
    private static final Map<String, Object> CACHED_ECHO_APP = Map.of("type", "java", "function", "echo", "version", "1", "cache", true);

    private WorkflowDocuments() {
    }

    /** {@code count} independent no-op tasks from one template. */
    static String noOps(String name, int count) {
        return document(name, Map.of(), Map.of("echo", ECHO_APP), List.of(echoTemplate("noop-{i}", count, "{i}")));
    }

    /** {@code workflows} one-task workflows as one batch document, for {@code POST /api/workflows/batch}. */
    static String oneTaskWorkflows(String name, int workflows) {
        List<Map<String, Object>> batch = new ArrayList<>(workflows);
        for (int i = 0; i < workflows; i++) {
            batch.add(workflow(name, Map.of(), Map.of("echo", ECHO_APP), List.of(echoTask("noop", String.valueOf(i)))));
        }
        return WireCodec.writeString(batch);
    }

    /** One no-op task that may run only at {@code site}. */
    static String pinnedNoOp(String name, String site) {
        Map<String, Object> app = new LinkedHashMap<>(ECHO_APP);
        app.put("sites", List.of(site));
        return document(name, Map.of(), Map.of("echo", app), List.of(echoTask("noop", "0")));
    }

    /** The same tasks with a cached app: the first run checkpoints every result, a rerun resumes from it. */
    static String cachedNoOps(String name, int count, boolean resume) {
        Map<String, Object> checkpoint = resume
                ? Map.of("mode", "task_exit", "resumeFrom", List.of("latest"))
                : Map.of("mode", "task_exit");
        return document(name, Map.of("checkpoint", checkpoint), Map.of("echo", CACHED_ECHO_APP),
                List.of(echoTemplate("noop-{i}", count, "{i}")));
    }

    static String bashEchoes(String name, int count) {
        Map<String, Object> hi = Map.of("type", "bash", "command", "echo hi > {outputs[0]}");
        Map<String, Object> tasks = Map.of("id", "hi-{i}", "app", "hi", "count", count, "outputs", List.of("hi-{i}.txt"));
        return document(name, Map.of(), Map.of("hi", hi), List.of(tasks));
    }

    /** {@code chains} independent chains of {@code length} tasks, each passing its predecessor's result on. */
    public static String chains(String name, int chains, int length) {
        List<Map<String, Object>> tasks = new ArrayList<>(length);
        tasks.add(echoTemplate("c{i}-s0", chains, "{i}"));
        for (int step = 1; step < length; step++) {
            tasks.add(echoTemplate("c{i}-s" + step, chains, "${c{i}-s" + (step - 1) + ".result}"));
        }
        return document(name, Map.of(), Map.of("echo", ECHO_APP), tasks);
    }

    /** One root, {@code width} tasks taking its result, one task after all of them. */
    public static String fanOutFanIn(String name, int width) {
        List<Map<String, Object>> tasks = List.of(
                echoTask("root", "0"),
                echoTemplate("leaf-{i}", width, "${root.result}"),
                Map.of("id", "join", "app", "echo", "after", List.of("leaf-*"), "args", Map.of("value", "joined")));
        return document(name, Map.of(), Map.of("echo", ECHO_APP), tasks);
    }

    private static Map<String, Object> echoTemplate(String id, int count, Object value) {
        Map<String, Object> task = new LinkedHashMap<>(echoTask(id, value));
        task.put("count", count);
        return task;
    }

    private static Map<String, Object> echoTask(String id, Object value) {
        return Map.of("id", id, "app", "echo", "args", Map.of("value", value));
    }

    private static String document(String name, Map<String, Object> settings, Map<String, Object> apps, List<Map<String, Object>> tasks) {
        return WireCodec.writeString(workflow(name, settings, apps, tasks));
    }

    private static Map<String, Object> workflow(String name, Map<String, Object> settings, Map<String, Object> apps,
                                                List<Map<String, Object>> tasks) {
        Map<String, Object> workflow = new LinkedHashMap<>();
        workflow.put("name", name);
        workflow.put("settings", settings);
        workflow.put("apps", apps);
        workflow.put("tasks", tasks);
        return workflow;
    }
}
