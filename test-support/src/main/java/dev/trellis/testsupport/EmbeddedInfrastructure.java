package dev.trellis.testsupport;

import dev.trellis.embedded.EmbeddedKafka;
import dev.trellis.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** In-process KRaft broker and zonky PostgreSQL, in a temporary directory. */
final class EmbeddedInfrastructure implements TestInfrastructure {

    private final EmbeddedKafka kafka;
    private final EmbeddedPostgres postgres;

    EmbeddedInfrastructure() {
        try {
            Path dir = Files.createTempDirectory("trellis-test-");
            postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
            // 16 partitions by default, as the scheduler declares task topics: a block may subscribe first.
            kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 16);
            // No hook stops the broker: it dies with the JVM, after the Spring contexts that use it
            // closed (stopping it first would make their Kafka clients wait out their close timeouts).
            // PostgreSQL, a separate process, is stopped by its own JVM hook.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public String jdbcUrl(String database) {
        return postgres.ensureDatabase(database);
    }

    @Override
    public String username() {
        return postgres.username();
    }

    @Override
    public String password() {
        return postgres.password();
    }
}
