package dev.trellis.scheduler.memo;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.memo.MemoLookupRequest;
import dev.trellis.protocol.memo.MemoLookupResponse;
import dev.trellis.protocol.memo.MemoRecord;
import dev.trellis.protocol.memo.MemoStoreBatch;
import dev.trellis.scheduler.SchedulerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Optional;

/**
 * The scheduler's two ways to the checkpoint-service: a batched REST lookup (answered at once,
 * or treated as "no hits" when the service is away, so workflows keep running), and stores sent
 * through Kafka, which holds them until the service is back, so no result is lost.
 */
@Component
class MemoClient {

    private static final Logger log = LoggerFactory.getLogger(MemoClient.class);

    private final RestClient rest;
    private final KafkaTemplate<String, byte[]> kafka;
    private final MemoMetrics metrics;
    private volatile boolean available = true;

    MemoClient(SchedulerProperties properties, KafkaTemplate<String, byte[]> kafka, MemoMetrics metrics) {
        SchedulerProperties.Memo memo = properties.memo();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(memo.lookupTimeout()).build());
        requests.setReadTimeout(memo.lookupTimeout());
        this.rest = RestClient.builder().baseUrl(memo.checkpointUrl()).requestFactory(requests).build();
        this.kafka = kafka;
        this.metrics = metrics;
    }

    /** The stored results for {@code keys} within {@code scope}; empty when the checkpoint-service did not answer. */
    Optional<List<MemoRecord>> lookup(List<String> keys, MemoLookupRequest.ResumeScope scope) {
        long began = System.nanoTime();
        try {
            MemoLookupResponse response = rest.post().uri("/api/memo/lookup").contentType(MediaType.APPLICATION_JSON)
                    .body(WireCodec.writeString(new MemoLookupRequest(keys, scope)))
                    .retrieve().body(MemoLookupResponse.class);
            metrics.lookedUp(System.nanoTime() - began);
            if (!available) {
                log.info("the checkpoint-service answers again; cached results are used");
                available = true;
            }
            return Optional.of(response == null ? List.of() : response.found());
        } catch (RestClientException e) {
            metrics.unavailable();
            if (available) {
                log.warn("the checkpoint-service did not answer a lookup ({}); tasks run without the cache until it does",
                        e.getMessage());
                available = false;
            }
            return Optional.empty();
        }
    }

    void store(MemoStoreBatch batch) {
        kafka.send(Topics.MEMO_STORE, batch.workflowId(), WireCodec.write(batch)).whenComplete((result, error) -> {
            if (error != null) {
                log.error("could not send {} memo entries of workflow {} to Kafka", batch.entries().size(), batch.workflowId(), error);
            }
        });
    }
}
