package dev.trellis.scheduler.workflow;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.TestBlocks;
import dev.trellis.testsupport.LocalHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Following a workflow with server-sent events. */
@SchedulerIntegrationTest
class WorkflowEventsTest {

    @Value("${local.server.port}")
    int port;

    @BeforeAll
    static void startBlocks() {
        TestBlocks.ensure("threads", 4);
    }

    @Test
    void followerGetsASnapshotThenEveryTaskChangeThenTheFinalStatusAndTheStreamEnds() throws Exception {
        String spec = """
                name: followed
                apps:
                  nap: {type: bash, sites: [threads], command: "sleep 1"}
                  echo: {type: java, function: echo, sites: [threads]}
                tasks:
                  - {id: nap, app: nap}
                  - {id: after-nap, app: echo, args: {value: 1}, after: [nap]}
                """;
        SubmissionView submission = WireCodec.readValue(
                new LocalHttp(port).post("/api/workflows", "application/yaml", spec).body(), SubmissionView.class);

        HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/workflows/" + submission.id() + "/events"))
                        .timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofLines());
        List<String> events = stream.body().filter(line -> line.startsWith("event:") || line.startsWith("data:")).toList();

        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(events.get(0)).isEqualTo("event:snapshot");
        assertThat(events).anySatisfy(line -> assertThat(line).contains("\"task\":\"after-nap\"").contains("\"to\":\"SUCCEEDED\""));
        assertThat(events.get(events.size() - 2)).isEqualTo("event:workflow");
        assertThat(events.get(events.size() - 1)).contains("\"status\":\"SUCCEEDED\"");
    }
}
