package dev.trellis.protocol;

import dev.trellis.protocol.spec.TaskSpec;
import dev.trellis.protocol.spec.WorkflowSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A stored spec is what a restart plans again: it must read back as the spec that was submitted. */
class StoredSpecTest {

    @ParameterizedTest
    @ValueSource(strings = {"multi-site.yaml", "caching.yaml", "checkpoint.yaml", "elasticity.yaml"})
    void everyExampleReadsBackEqual(String example) throws IOException {
        WorkflowSpec spec = WireCodec.readSpec(Files.readString(Path.of("../examples", example)));

        assertThat(WireCodec.readSpec(WireCodec.writeSpec(spec))).isEqualTo(spec);
    }

    @Test
    void nullAndEmptyArgumentsAndLabelsAreKept() {
        String submitted = """
                {"name": "", "labels": {"team": ""},
                 "settings": {"retries": 0, "checkpoint": {"mode": "task_exit", "resumeFrom": ["latest"]}},
                 "apps": {"echo": {"type": "java", "function": "echo", "sites": [], "cache": true, "cacheIgnore": ["log"]},
                          "sh": {"type": "bash", "command": "echo {args.x} > {outputs[0]}", "retries": 0}},
                 "tasks": [
                   {"id": "a", "app": "echo", "args": {"value": null, "list": [], "map": {}, "text": "", "zero": 0, "no": false,
                                                      "nested": {"n": null, "l": [null], "e": {}}}},
                   {"id": "b-{i}", "app": "sh", "count": 0, "args": {"x": "${a.result}"}, "outputs": ["b-{i}.txt"], "after": ["a"]},
                   {"id": "c-{x}", "app": "echo", "foreach": {"x": [1, null, "two"]}, "inputs": []}]}""";
        WorkflowSpec spec = WireCodec.readSpec(submitted);

        String stored = WireCodec.writeSpec(spec);

        assertThat(WireCodec.readSpec(stored)).isEqualTo(spec);
        assertThat(stored).contains("\"value\":null", "\"list\":[]", "\"map\":{}", "\"text\":\"\"", "\"zero\":0", "\"no\":false",
                "\"n\":null", "\"l\":[null]", "\"e\":{}", "\"count\":0", "\"team\":\"\"", "\"name\":\"\"");
    }

    @Test
    void leavesOutWhatReadsBackAsItsDefault() {
        WorkflowSpec spec = WireCodec.readSpec("""
                {"name": "one", "apps": {"echo": {"type": "java", "function": "echo", "version": "1"}},
                 "tasks": [{"id": "noop", "app": "echo", "args": {"value": "1"}}]}""");

        String stored = WireCodec.writeSpec(spec);

        assertThat(stored).doesNotContain("null", "[]", "{}");
        assertThat(stored).isEqualTo("""
                {"name":"one","apps":{"echo":{"type":"java","function":"echo","version":"1"}},\
                "tasks":[{"id":"noop","app":"echo","args":{"value":"1"}}]}""");
        assertThat(WireCodec.readSpec(stored)).isEqualTo(spec);
    }

    @Test
    void keepsSettingsAndFlagsThatAreNotTheDefaults() {
        WorkflowSpec spec = WireCodec.readSpec("""
                {"name": "one", "settings": {"retries": 2},
                 "apps": {"echo": {"type": "java", "function": "echo", "cache": true}, "sh": {"type": "bash", "command": "true", "cache": false}},
                 "tasks": [{"id": "noop", "app": "echo", "args": {"flag": false}}]}""");
        WorkflowSpec checkpointed = WireCodec.readSpec("""
                {"name": "two", "settings": {"checkpoint": {"mode": "task_exit", "refresh": true}}, "tasks": []}""");

        String stored = WireCodec.writeSpec(spec);
        String storedCheckpointed = WireCodec.writeSpec(checkpointed);

        assertThat(stored).contains("\"settings\":{\"errorPolicy\":\"lazy\",\"retries\":2,\"retryBackoffMs\":1000}",
                "\"cache\":true", "\"flag\":false").doesNotContain("checkpoint", "\"cache\":false");
        assertThat(storedCheckpointed).contains("\"mode\":\"task_exit\"", "\"refresh\":true");
        assertThat(WireCodec.readSpec(stored)).isEqualTo(spec);
        assertThat(WireCodec.readSpec(storedCheckpointed)).isEqualTo(checkpointed);
    }

    @Test
    void addedTasksReadBackEqual() {
        List<TaskSpec> tasks = WireCodec.readTasks("""
                [{"id": "late", "app": "echo", "args": {"value": null}, "after": ["a"]}, {"id": "later", "app": "echo"}]""");

        assertThat(WireCodec.readTasks(WireCodec.writeSpec(tasks))).isEqualTo(tasks);
    }
}
