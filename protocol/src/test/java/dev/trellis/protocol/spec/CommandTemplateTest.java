package dev.trellis.protocol.spec;

import dev.trellis.protocol.spec.CommandTemplate.Placeholder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandTemplateTest {

    @Test
    void indexedInputsAndOutputsAreSubstituted() {
        CommandTemplate template = CommandTemplate.parse("cat {inputs[1]} {inputs[0]} > {outputs[0]}");

        assertThat(template.render(List.of("a.txt", "b.txt"), List.of("out/all.txt"), Map.of()))
                .isEqualTo("cat b.txt a.txt > out/all.txt");
    }

    @Test
    void allInputsAndAllOutputsAreSpaceSeparated() {
        CommandTemplate template = CommandTemplate.parse("cat {inputs} | tee {outputs}");

        assertThat(template.render(List.of("random-0.txt", "random-1.txt"), List.of("x", "y"), Map.of()))
                .isEqualTo("cat random-0.txt random-1.txt | tee x y");
    }

    @Test
    void noInputsRenderAsNothing() {
        assertThat(CommandTemplate.parse("cat {inputs}").render(List.of(), List.of(), Map.of())).isEqualTo("cat ");
    }

    @Test
    void argsAreSubstitutedByName() {
        CommandTemplate template = CommandTemplate.parse("sleep {args.seconds} && echo {args.word-count}");

        assertThat(template.render(List.of(), List.of(), Map.of("seconds", 3, "word-count", 12L)))
                .isEqualTo("sleep 3 && echo 12");
    }

    @Test
    void aListArgBecomesOneQuotedWordPerElement() {
        CommandTemplate template = CommandTemplate.parse("printf '%s\\n' {args.names}");

        assertThat(template.render(List.of(), List.of(), Map.of("names", List.of("ann", "bo b"))))
                .isEqualTo("printf '%s\\n' ann 'bo b'");
    }

    @Test
    void aNullArgRendersAsAnEmptyQuotedWord() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("label", null);

        assertThat(CommandTemplate.parse("echo {args.label}").render(List.of(), List.of(), args)).isEqualTo("echo ''");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "echo $(( RANDOM ))",
            "echo ${HOME}/x",
            "cp file.{a,b} /tmp",
            "awk '{print $1}' data",
            "echo ${inputs[0]} is bash's array",
            "echo {} {inputs[x]} {args.} {outputs[-1]} {input}"})
    void braceTextThatIsNotAPlaceholderPassesThroughUntouched(String command) {
        CommandTemplate template = CommandTemplate.parse(command);

        assertThat(template.placeholders()).isEmpty();
        assertThat(template.render(List.of("in"), List.of("out"), Map.of())).isEqualTo(template.text());
    }

    @Test
    void bashSyntaxAroundPlaceholdersIsKept() {
        CommandTemplate template = CommandTemplate.parse("echo $(( RANDOM )) &> {outputs[0]}; echo ${HOME} {a,b}");

        assertThat(template.render(List.of(), List.of("random-0.txt"), Map.of()))
                .isEqualTo("echo $(( RANDOM )) &> random-0.txt; echo ${HOME} {a,b}");
    }

    @Test
    void placeholdersAreListedInOrderSoValidationCanCheckThem() {
        CommandTemplate template = CommandTemplate.parse("x {inputs[2]} {outputs} {args.n} {inputs} {outputs[1]} {inputs[2]}");

        assertThat(template.placeholders()).containsExactly(
                new Placeholder.Input(2),
                new Placeholder.AllOutputs(),
                new Placeholder.Arg("n"),
                new Placeholder.AllInputs(),
                new Placeholder.Output(1),
                new Placeholder.Input(2));
    }

    @Test
    void anAbsurdIndexIsKeptOutOfRangeRatherThanOverflowing() {
        assertThat(CommandTemplate.parse("cat {inputs[99999999999999]}").placeholders())
                .containsExactly(new Placeholder.Input(Integer.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "a/b.txt", "k=v", "x:y,z@host+1%", "-n", "3.14"})
    void safeValuesAreNotQuoted(String value) {
        assertThat(CommandTemplate.quote(value)).isEqualTo(value);
    }

    @Test
    void unsafeValuesAreSingleQuotedAndEmbeddedQuotesEscaped() {
        assertThat(CommandTemplate.quote("my file.txt")).isEqualTo("'my file.txt'");
        assertThat(CommandTemplate.quote("$(rm -rf /)")).isEqualTo("'$(rm -rf /)'");
        assertThat(CommandTemplate.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(CommandTemplate.quote("")).isEqualTo("''");
    }

    @Test
    void substitutedFileNamesWithShellSyntaxStayOneWord() {
        CommandTemplate template = CommandTemplate.parse("wc -l {inputs[0]}");

        assertThat(template.render(List.of("a b;rm x"), List.of(), Map.of())).isEqualTo("wc -l 'a b;rm x'");
    }

    @Test
    void renderingAnInputBeyondTheTasksInputsFailsWithThePlaceholderNamed() {
        CommandTemplate template = CommandTemplate.parse("cat {inputs[2]}");

        assertThatThrownBy(() -> template.render(List.of("a"), List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("{inputs[2]} but the task has 1 inputs");
    }

    @Test
    void renderingAMissingArgFailsWithThePlaceholderNamed() {
        CommandTemplate template = CommandTemplate.parse("echo {args.word}");

        assertThatThrownBy(() -> template.render(List.of(), List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("{args.word}");
    }
}
