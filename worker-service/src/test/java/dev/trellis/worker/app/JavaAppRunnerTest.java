package dev.trellis.worker.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.trellis.worker.app.TaskBuilder.javaTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JavaAppRunnerTest {

    record Measurement(String name, double value) {
    }

    @TempDir
    Path dataRoot;

    private final JavaAppRegistry registry = BuiltinJavaApps.registerInto(new JavaAppRegistry());
    private final Slot slot = new Slot(0);

    private AppOutcome run(TaskBuilder task) {
        return new AppExecutor(dataRoot, List.of(new JavaAppRunner(registry))).execute(task.build(), slot);
    }

    @Test
    void echoReturnsItsValueFromInsideTheWorker() {
        AppOutcome outcome = run(javaTask("echo", "1").arg("value", Map.of("k", List.of(1, "two"))));

        assertThat(outcome.succeeded()).as(outcome.error()).isTrue();
        assertThat(outcome.result()).isEqualTo(Map.of("k", List.of(1, "two")));
        assertThat(outcome.pid()).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void sumAddsTheNumbersInItsValuesArg() {
        assertThat(run(javaTask("sum", "1").arg("values", List.of(1, 2, 39L))).result()).isEqualTo(42L);
        assertThat(run(javaTask("sum", "1").arg("values", List.of(1, 0.5))).result()).isEqualTo(1.5);
    }

    @Test
    void sumAddsTheIntegersInItsInputFilesOnePerLine() throws IOException {
        Files.createDirectories(dataRoot.resolve("wf-1"));
        Files.writeString(dataRoot.resolve("wf-1/random-0.txt"), "12\n");
        Files.writeString(dataRoot.resolve("wf-1/random-1.txt"), "10\n\n20\n");

        AppOutcome outcome = run(javaTask("sum", "1").inputs("random-0.txt", "random-1.txt"));

        assertThat(outcome.result()).isEqualTo(42L);
    }

    @Test
    void sleepWaitsAndReturnsItsMillis() {
        assertThat(run(javaTask("sleep", "1").arg("millis", 20)).result()).isEqualTo(20L);
    }

    @Test
    void anUnknownFunctionIsAFailureListingWhatIsRegistered() {
        AppOutcome outcome = run(javaTask("echo", "2"));

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.error()).isEqualTo("no java app echo@2 on this worker; registered: [echo@1, sleep@1, sum@1]");
    }

    @Test
    void anExceptionIsAFailureWithItsClassMessageAndStackTrace() {
        AppOutcome outcome = run(javaTask("sum", "1").arg("values", List.of(1, "two")));

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.error())
                .startsWith("java.lang.IllegalArgumentException: args.values[1] is not a number: two")
                .contains("at dev.trellis.worker.app.BuiltinJavaApps");
    }

    @Test
    void aMissingArgIsNamed() {
        AppOutcome outcome = run(javaTask("echo", "1"));

        assertThat(outcome.error()).contains("missing argument 'value'");
    }

    @Test
    void walltimeInterruptsAJavaAppThatRunsTooLong() {
        AppOutcome outcome = run(javaTask("sleep", "1").arg("millis", 60_000).walltimeSeconds(1));

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.error()).isEqualTo("Walltime exceeded after 1s");
    }

    @Test
    void aRecordReturnedByAnAppTravelsAsAMap() {
        registry.register("measure", "1", call -> new Measurement("latency", 1.5));

        assertThat(run(javaTask("measure", "1")).result()).isEqualTo(Map.of("name", "latency", "value", 1.5));
    }

    @Test
    void anAppSpecWithoutVersionMeansVersionOne() {
        AppOutcome outcome = run(javaTask("echo", null).arg("value", "v1"));

        assertThat(outcome.result()).isEqualTo("v1");
    }

    @Test
    void aNameAndVersionCanBeRegisteredOnlyOnce() {
        assertThatThrownBy(() -> registry.register("echo", "1", call -> null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("echo@1");
    }
}
