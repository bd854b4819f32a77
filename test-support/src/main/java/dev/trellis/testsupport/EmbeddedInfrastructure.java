package dev.trellis.testsupport;

import dev.trellis.embedded.EmbeddedKafka;
import dev.trellis.embedded.EmbeddedPostgres;

import org.springframework.util.FileSystemUtils;

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
            Path postgresDir = dir.resolve("postgres");
            postgres = EmbeddedPostgres.start(postgresDir, 0, false);
            // 16 partitions by default, as the scheduler declares task topics: a block may subscribe first.
            kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 16);
            // No hook stops the broker: it dies with the JVM, after the Spring contexts that use it
            // closed (stopping it first would make their Kafka clients wait out their close timeouts),
            // and its few MB of logs stay. PostgreSQL, a separate process, is stopped by this hook,
            // which then removes its ~50 MB of data: every test JVM made one more such directory.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                postgres.close();
                FileSystemUtils.deleteRecursively(postgresDir.toFile());
            }, "trellis-test-postgres-stop"));
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
