package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.TaskView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.TestBlocks;
import dev.trellis.testsupport.LocalHttp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The seed's section 1 ("Multiple Sites"), from examples/, through scheduler, Kafka, two sites of workers and Postgres. */
@SchedulerIntegrationTest
class MultiSiteWorkflowTest extends WorkflowApiTestBase {

    @Test
    void totalIsTheSumOfTheGeneratedNumbersAndEachAppRanOnItsSite() throws IOException {
        LocalHttp http = new LocalHttp(port);
        String spec = Files.readString(Path.of("../examples/multi-site.yaml"));

        HttpResponse<String> submitted = http.post("/api/workflows", "application/yaml", spec);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        SubmissionView submission = WireCodec.readValue(submitted.body(), SubmissionView.class);
        assertThat(submission.taskCount()).isEqualTo(7);

        WorkflowView done = WireCodec.readValue(
                http.get("/api/workflows/" + submission.id() + "/wait?timeout=60s&attempts=true").body(), WorkflowView.class);

        assertThat(done.status()).as(WireCodec.writeString(done)).isEqualTo("SUCCEEDED");
        Map<String, TaskView> tasks = done.tasks().stream().collect(Collectors.toMap(TaskView::id, t -> t));
        Path area = TestBlocks.DATA_ROOT.resolve(submission.id());
        int expected = 0;
        for (int i = 0; i < 5; i++) {
            expected += Integer.parseInt(Files.readString(area.resolve("random-" + i + ".txt")).trim());
            assertThat(tasks.get("generate-" + i).site()).isEqualTo("threads");
        }
        assertThat(tasks.get("concat").site()).isEqualTo("pilot");
        assertThat(Files.readAllLines(area.resolve("all.txt"))).hasSize(5);
        assertThat(((Number) tasks.get("total").result()).intValue()).isEqualTo(expected);
        assertThat(tasks.get("total").attempts()).singleElement().satisfies(attempt -> {
            assertThat(attempt.status()).isEqualTo("SUCCEEDED");
            assertThat(attempt.blockId()).endsWith("-test-block");
            assertThat(attempt.pid()).isPositive();
            assertThat(attempt.startedAtMillis()).isNotNull();
            assertThat(attempt.finishedAtMillis()).isGreaterThanOrEqualTo(attempt.startedAtMillis());
        });
        assertThat(done.taskCounts()).containsEntry("SUCCEEDED", 7);
    }

    @Test
    void listShowsTheWorkflowByName() throws IOException {
        LocalHttp http = new LocalHttp(port);
        String spec = Files.readString(Path.of("../examples/multi-site.yaml")).replace("name: multi-site", "name: listed-multi-site");
        SubmissionView submission = WireCodec.readValue(http.post("/api/workflows", "application/yaml", spec).body(), SubmissionView.class);

        List<?> listed = WireCodec.readValue(http.get("/api/workflows?name=listed-multi-site").body(), List.class);

        assertThat(listed).singleElement().satisfies(w -> assertThat(((Map<?, ?>) w).get("id")).isEqualTo(submission.id()));
    }
}
