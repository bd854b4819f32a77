package dev.trellis.worker.app;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class StatelessBuiltinsTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "echo hi > /data/wf/out.txt",
            "echo hi>/data/wf/out.txt",
            "echo 'a b' \"$HOME\" $1 >> out; echo done 2>&1",
            "echo out; echo err >&2",
            "echo x &> both.txt && true || false",
            "true",
            ": nothing here",
            "echo a#b",
            "echo '$(not run)' \"\\$(escaped)\"",
            "echo hi >| clobbered\necho again",
    })
    void builtinsThatCannotChangeTheShellMayRunInIt(String command) {
        assertThat(StatelessBuiltins.only(command)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "cat in > out",
            "X=1",
            "X=1 echo hi",
            "echo hi; cd /",
            "echo hi && export A=1",
            "echo ${A:=1}",
            "echo \"${A:=1}\"",
            "echo $(( A = 1 ))",
            "echo $[ A = 1 ]",
            "echo $(touch x)",
            "echo \"`touch x`\"",
            "echo `touch x`",
            "echo hi | tee out",
            "echo hi &",
            "( echo hi )",
            "{ echo hi; }",
            "echo hi > >(cat)",
            "cat <<EOF",
            "> out echo hi",
            "echo hi >",
            "\"echo\" hi",
            "ec\\ho hi",
            "printf -v X hi",
            "printf '%s' hi",
            "echo hi # ; cd /",
            "echo 'unterminated",
            "echo hi \\\ncd /",
            "exit 3",
            "eval X=1",
            "set -e",
    })
    void anythingElseRunsInASubshell(String command) {
        assertThat(StatelessBuiltins.only(command)).isFalse();
    }
}
