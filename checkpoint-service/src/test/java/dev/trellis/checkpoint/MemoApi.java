package dev.trellis.checkpoint;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.memo.CheckpointView;
import dev.trellis.protocol.memo.MemoLookupRequest;
import dev.trellis.protocol.memo.MemoLookupRequest.ResumeScope;
import dev.trellis.protocol.memo.MemoLookupResponse;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreBatch;
import dev.trellis.protocol.memo.MemoStoreRequest;
import dev.trellis.testsupport.LocalHttp;
import dev.trellis.testsupport.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import dev.trellis.testsupport.TopicProbe;
import tools.jackson.core.type.TypeReference;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The service's REST and Kafka API as the scheduler (or a user) calls it, for tests. */
public final class MemoApi {

    private static final Duration CONSUMED_WITHIN = Duration.ofSeconds(60);
    private static final TypeReference<List<CheckpointView>> CHECKPOINTS = new TypeReference<>() { };

    private final LocalHttp http;

    public MemoApi(int port) {
        this.http = new LocalHttp(port);
    }

    public LocalHttp http() {
        return http;
    }

    /** Sends the batch as the scheduler does: on the store topic, keyed by workflow id. */
    public static void send(MemoStoreBatch batch) {
        TopicProbe.send(Topics.MEMO_STORE, batch.workflowId(), WireCodec.write(batch));
    }

    /** Sends the batches with one producer and one flush, so the service most likely reads them in one poll. */
    public static void sendTogether(List<ProducerRecord<String, byte[]>> records) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.shared().kafkaBootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 50), new StringSerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    public static ProducerRecord<String, byte[]> record(MemoStoreBatch batch) {
        return new ProducerRecord<>(Topics.MEMO_STORE, batch.workflowId(), WireCodec.write(batch));
    }

    /**
     * Sends the batches, then waits until the last is stored (its checkpoint recorded, its entries
     * found). Batches of one workflow share a partition, so the ones before it are stored by then too.
     */
    public void sendAndAwait(MemoStoreBatch... batches) {
        Arrays.stream(batches).forEach(MemoApi::send);
        awaitStored(batches[batches.length - 1]);
    }

    public void awaitStored(MemoStoreBatch batch) {
        await().atMost(CONSUMED_WITHIN).untilAsserted(() -> {
            if (batch.checkpoint()) {
                assertThat(http.get("/api/checkpoints/" + batch.batchId()).statusCode()).isEqualTo(200);
            }
            List<String> keys = batch.entries().stream().map(MemoRecord::cacheKey).toList();
            assertThat(lookup(keys, null)).hasSameSizeAs(keys);
        });
    }

    public void store(MemoRecord... entries) {
        var response = http.postJson("/api/memo/entries", WireCodec.writeString(new MemoStoreRequest(List.of(entries))));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    /** The keys found, in no particular order. */
    public List<String> lookup(List<String> keys, ResumeScope scope) {
        return lookupEntries(keys, scope).stream().map(MemoRecord::cacheKey).toList();
    }

    public List<MemoRecord> lookupEntries(List<String> keys, ResumeScope scope) {
        HttpResponse<String> response = http.postJson("/api/memo/lookup", WireCodec.writeString(new MemoLookupRequest(keys, scope)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return WireCodec.readValue(response.body(), MemoLookupResponse.class).found();
    }

    public List<CheckpointView> checkpoints(String workflowName) {
        HttpResponse<String> response = http.get("/api/checkpoints?workflowName=" + workflowName);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return WireCodec.readValue(response.body(), CHECKPOINTS);
    }

    public static List<String> keys(MemoRecord... entries) {
        return Arrays.stream(entries).map(MemoRecord::cacheKey).toList();
    }

    public static ResumeScope latest(String workflowName) {
        return new ResumeScope(ResumeScope.Kind.LATEST, workflowName, null);
    }

    public static ResumeScope ids(String... checkpointIds) {
        return new ResumeScope(ResumeScope.Kind.IDS, null, List.of(checkpointIds));
    }

    public static ResumeScope all() {
        return new ResumeScope(ResumeScope.Kind.ALL, null, null);
    }
}
