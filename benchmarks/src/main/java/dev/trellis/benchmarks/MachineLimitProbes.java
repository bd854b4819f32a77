package dev.trellis.benchmarks;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures the broker and the database the stack runs on, with plain clients and default client
 * settings except where the figure needs otherwise (no linger for the round trip).
 */
final class MachineLimitProbes {

    private static final int RECORD_BYTES = 300;
    private static final int ROUND_TRIP_WARM_UP = 100;
    private static final int INSERT_BATCH = 1_000;
    private static final Duration POLL = Duration.ofMillis(100);

    private final String bootstrapServers;
    private final DataSource database;

    MachineLimitProbes(String bootstrapServers, DataSource database) {
        this.bootstrapServers = bootstrapServers;
        this.database = database;
    }

    /** Records produced to one single-partition topic and consumed from it, first send to last receipt. */
    double kafkaMessagesPerSecond(int messages) throws Exception {
        String topic = createTopic("throughput");
        byte[] payload = new byte[RECORD_BYTES];
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(topic);
             KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
            long began = System.nanoTime();
            CompletableFuture<Long> consumed = CompletableFuture.supplyAsync(() -> {
                int received = 0;
                while (received < messages) {
                    received += consumer.poll(POLL).count();
                }
                return System.nanoTime();
            });
            for (int i = 0; i < messages; i++) {
                producer.send(new ProducerRecord<>(topic, payload));
            }
            producer.flush();
            long finished = consumed.get(5, TimeUnit.MINUTES);
            return messages / ((finished - began) / 1e9);
        }
    }

    /** Request to one topic, an echo consumer answers on another, the reply consumed: one at a time. */
    LatencySamples kafkaRoundTrips(int samples) throws Exception {
        String requests = createTopic("requests");
        String replies = createTopic("replies");
        byte[] payload = new byte[RECORD_BYTES];
        Map<String, Object> noLinger = Map.of(ProducerConfig.LINGER_MS_CONFIG, 0);
        AtomicBoolean echoing = new AtomicBoolean(true);
        try (KafkaConsumer<byte[], byte[]> replyConsumer = consumer(replies);
             KafkaProducer<byte[], byte[]> requester = producer(noLinger)) {
            CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
                try (KafkaConsumer<byte[], byte[]> requestConsumer = consumer(requests);
                     KafkaProducer<byte[], byte[]> replier = producer(noLinger)) {
                    while (echoing.get()) {
                        for (ConsumerRecord<byte[], byte[]> request : requestConsumer.poll(POLL)) {
                            replier.send(new ProducerRecord<>(replies, request.value()));
                        }
                    }
                }
            });
            LatencySamples roundTrips = new LatencySamples(samples);
            for (int i = 0; i < ROUND_TRIP_WARM_UP + samples; i++) {
                long sent = System.nanoTime();
                requester.send(new ProducerRecord<>(requests, payload));
                while (replyConsumer.poll(Duration.ofMillis(1)).isEmpty()) {
                    if (System.nanoTime() - sent > TimeUnit.SECONDS.toNanos(30)) {
                        throw new TimeoutException("no reply within 30 s");
                    }
                }
                if (i >= ROUND_TRIP_WARM_UP) {
                    roundTrips.add(System.nanoTime() - sent);
                }
            }
            echoing.set(false);
            echo.get(10, TimeUnit.SECONDS);
            return roundTrips;
        }
    }

    /** Rows inserted with JDBC batches of 1,000 into a temporary table, a commit per batch. */
    double postgresRowsPerSecond(int rows) throws SQLException {
        try (Connection connection = database.getConnection()) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE TEMPORARY TABLE bench_rows (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)");
            }
            connection.setAutoCommit(false);
            String payload = "x".repeat(RECORD_BYTES);
            long began = System.nanoTime();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO bench_rows (id, payload) VALUES (?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    insert.setLong(1, i);
                    insert.setString(2, payload);
                    insert.addBatch();
                    if ((i + 1) % INSERT_BATCH == 0 || i == rows - 1) {
                        insert.executeBatch();
                        connection.commit();
                    }
                }
            }
            return rows / ((System.nanoTime() - began) / 1e9);
        }
    }

    private String createTopic(String purpose) throws ExecutionException, InterruptedException {
        String topic = "bench.limits." + purpose + "." + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        return topic;
    }

    private KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(overrides);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Reads the topic's only partition from its start, without a group (no rebalance to wait for). */
    private KafkaConsumer<byte[], byte[]> consumer(String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }
}
