package dev.trellis.protocol;

import dev.trellis.protocol.WireCodec.SubmittedSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A submission is stored as its own JSON text where it has one: that must read back as the spec that was parsed. */
class SubmittedSpecTest {

    private static final String FIRST = """
            {"name": "braces", "apps": {"sh": {"type": "bash", "command": "echo '} [' \\"{x}\\" > {outputs[0]}"}},
             "tasks": [{"id": "a", "app": "sh", "args": {"x": "]}"}, "outputs": ["a.txt"]}]}""";
    private static final String SECOND = """
            {"name":"two","settings":{"retries":1},"apps":{"echo":{"type":"java","function":"echo"}},"tasks":[{"id":"b","app":"echo"}]}""";

    @Test
    void eachWorkflowOfAJsonBatchIsStoredAsItsOwnText() {
        String batch = "  [\n  " + FIRST + " ,\n" + SECOND + "\n]  ";

        List<SubmittedSpec> submitted = WireCodec.readSubmittedSpecs(batch);

        assertThat(submitted).extracting(SubmittedSpec::storedJson).containsExactly(FIRST, SECOND);
        assertThat(submitted).extracting(SubmittedSpec::spec).containsExactlyElementsOf(WireCodec.readSpecs(batch));
        assertThat(submitted).allSatisfy(spec -> assertThat(WireCodec.readSpec(spec.storedJson())).isEqualTo(spec.spec()));
    }

    @Test
    void aYamlBatchIsStoredAsItsSpecsWrittenAgain() {
        List<SubmittedSpec> submitted = WireCodec.readSubmittedSpecs("""
                - name: one
                  apps: {echo: {type: java, function: echo}}
                  tasks: [{id: a, app: echo}]
                """);

        assertThat(submitted).singleElement().satisfies(spec -> {
            assertThat(spec.storedJson()).isEqualTo(WireCodec.writeSpec(spec.spec()));
            assertThat(WireCodec.readSpec(spec.storedJson())).isEqualTo(spec.spec());
        });
    }

    @Test
    void aBadBatchIsDescribedAsBefore() {
        String batch = "[" + SECOND + ", {\"name\": \"x\", \"tasks\": [{\"id\": \"a\", \"ap\": \"echo\"}]}]";

        assertThatThrownBy(() -> WireCodec.readSubmittedSpecs(batch))
                .isInstanceOf(UnreadableMessageException.class)
                .hasMessageContaining("$[1].tasks[0].ap");
        assertThatThrownBy(() -> WireCodec.readSubmittedSpecs("[" + SECOND + "] trailing"))
                .isInstanceOf(UnreadableMessageException.class);
    }

    @Test
    void aSingleSubmissionKeepsItsJsonAndWritesItsYamlAgain() {
        SubmittedSpec json = WireCodec.readSubmittedSpec("\n " + SECOND + "\n");
        SubmittedSpec yaml = WireCodec.readSubmittedSpec("name: two\nsettings: {retries: 1}\napps: {echo: {type: java, function: echo}}\n"
                + "tasks: [{id: b, app: echo}]\n");

        assertThat(json.storedJson()).isEqualTo(SECOND);
        assertThat(yaml.storedJson()).isEqualTo(WireCodec.writeSpec(yaml.spec()));
        assertThat(yaml.spec()).isEqualTo(json.spec());
    }
}
