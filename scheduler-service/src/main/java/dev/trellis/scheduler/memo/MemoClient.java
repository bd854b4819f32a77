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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler's two ways to the checkpoint-service: a batched REST lookup (answered at once,
 * or treated as "no hits" when the service is away, so workflows keep running), and stores sent
 * through Kafka, which holds them until the service is back, so no result is lost.
 */
@Component
class MemoClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MemoClient.class);
    /**
     * Keys per lookup request: the checkpoint-service's max-batch-size (10,000 by default). Scoped
     * to checkpoints, each request costs the service a pass over the scope's entries whatever its
     * size, so ten requests of 1,000 keys cost several times one of 10,000.
     */
    static final int LOOKUP_KEYS = 10_000;
    /** Serialized entries per store record, well under Kafka's default 1 MiB record limit. */
    static final int STORE_RECORD_BYTES = 512 * 1024;
    /** Lookup pieces in flight at once. */
    private static final int LOOKUP_THREADS = 4;
    /** How long closing waits for checkpoints still being sent. */
    private static final Duration STORE_DRAIN = Duration.ofSeconds(10);

    private final RestClient rest;
    private final KafkaTemplate<String, byte[]> kafka;
    private final MemoMetrics metrics;
    private volatile boolean available = true;
    /** Lookup pieces of one large batch in parallel. */
    private final ExecutorService lookups = Executors.newFixedThreadPool(LOOKUP_THREADS, runnable -> {
        Thread thread = new Thread(runnable, "memo-lookup");
        thread.setDaemon(true);
        return thread;
    });
    /** Checkpoints being serialized and sent, in the order they were taken. */
    private final ExecutorService stores = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "memo-store");
        thread.setDaemon(true);
        return thread;
    });

    MemoClient(SchedulerProperties properties, KafkaTemplate<String, byte[]> kafka, MemoMetrics metrics) {
        SchedulerProperties.Memo memo = properties.memo();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(memo.lookupTimeout()).build());
        requests.setReadTimeout(memo.lookupTimeout());
        this.rest = RestClient.builder().baseUrl(memo.checkpointUrl()).requestFactory(requests).build();
        this.kafka = kafka;
        this.metrics = metrics;
    }

    /**
     * The stored results for {@code keys} within {@code scope}, asked for in pieces of at most
     * {@link #LOOKUP_KEYS} keys: the checkpoint-service caps a request's keys, and each piece is
     * answered well within the timeout however large the workflow. Empty when the first piece is
     * not answered; after a later piece fails, what the others found (the rest run).
     */
    Optional<List<MemoRecord>> lookup(List<String> keys, MemoLookupRequest.ResumeScope scope) {
        if (keys.size() <= LOOKUP_KEYS) {
            return lookupPiece(keys, scope);
        }
        // Pieces go out a few at a time: each waits mostly on the checkpoint-service's SQL.
        List<CompletableFuture<Optional<List<MemoRecord>>>> pieces = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += LOOKUP_KEYS) {
            List<String> piece = keys.subList(from, Math.min(keys.size(), from + LOOKUP_KEYS));
            pieces.add(CompletableFuture.supplyAsync(() -> lookupPiece(piece, scope), lookups));
        }
        List<MemoRecord> found = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            Optional<List<MemoRecord>> piece = pieces.get(i).join();
            if (piece.isEmpty() && i == 0) {
                return Optional.empty();
            }
            piece.ifPresent(found::addAll);
        }
        return Optional.of(found);
    }

    private Optional<List<MemoRecord>> lookupPiece(List<String> keys, MemoLookupRequest.ResumeScope scope) {
        long began = System.nanoTime();
        try {
            MemoLookupResponse response = rest.post().uri("/api/memo/lookup").contentType(MediaType.APPLICATION_JSON)
                    .body(WireCodec.write(new MemoLookupRequest(keys, scope)))
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

    /**
     * Hands the batch to the sending thread and returns: a rerun's hits make a checkpoint of
     * thousands of entries, and serializing it (~50 ms for 10,000) would hold up the workflow's
     * step. One thread sends, so a workflow's checkpoints reach Kafka in the order they were taken.
     */
    void store(MemoStoreBatch batch) {
        stores.execute(() -> {
            try {
                storeNow(batch);
            } catch (RuntimeException e) {
                log.error("could not send checkpoint {} of workflow {} to Kafka", batch.batchId(), batch.workflowId(), e);
            }
        });
    }

    /**
     * Sends the batch as records of at most {@link #STORE_RECORD_BYTES} of entries each (all with
     * the batch's id, so they make one checkpoint): a rerun of a large workflow checkpoints tens of
     * thousands of results at once, and one Kafka record that size would be refused by the broker.
     */
    private void storeNow(MemoStoreBatch batch) {
        List<MemoRecord> piece = new ArrayList<>();
        int pieceBytes = 0;
        for (MemoRecord entry : batch.entries()) {
            int entryBytes = WireCodec.write(entry).length;
            if (!piece.isEmpty() && pieceBytes + entryBytes > STORE_RECORD_BYTES) {
                send(batch, piece);
                piece = new ArrayList<>();
                pieceBytes = 0;
            }
            piece.add(entry);
            pieceBytes += entryBytes;
        }
        if (!piece.isEmpty() || batch.entries().isEmpty()) {
            send(batch, piece);
        }
    }

    private void send(MemoStoreBatch batch, List<MemoRecord> entries) {
        MemoStoreBatch piece = new MemoStoreBatch(batch.version(), batch.batchId(), batch.workflowName(), batch.workflowId(),
                batch.mode(), batch.checkpoint(), entries, batch.sentAtMillis());
        kafka.send(Topics.MEMO_STORE, batch.workflowId(), WireCodec.write(piece)).whenComplete((result, error) -> {
            if (error != null) {
                log.error("could not send {} memo entries of workflow {} to Kafka", entries.size(), batch.workflowId(), error);
            }
        });
    }

    /** Sends the checkpoints handed over before the Kafka producer goes: they are results not stored anywhere else yet. */
    @Override
    public void close() throws InterruptedException {
        lookups.shutdownNow();
        stores.shutdown();
        if (!stores.awaitTermination(STORE_DRAIN.toSeconds(), TimeUnit.SECONDS)) {
            log.error("checkpoints not sent to Kafka within {}: {} left unsent", STORE_DRAIN, stores.shutdownNow().size());
        }
    }
}
