package dev.trellis.engine.plan;

import dev.trellis.protocol.WireCodec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every workflow in examples/ is valid for the standalone mode's default sites. */
class ExamplesTest {

    @Test
    void everyExampleParsesAndPlansOnTheStandaloneSites() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("../examples"))) {
            examples = files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(examples).isNotEmpty();
        WorkflowPlanner planner = new WorkflowPlanner(Set.of("threads", "pilot", "elastic"));
        for (Path example : examples) {
            WorkflowPlan plan = planner.plan(WireCodec.readSpec(Files.readString(example)));
            assertThat(plan.size()).as(example.toString()).isPositive();
        }
    }
}
