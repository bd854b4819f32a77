package dev.trellis.testsupport;

/**
 * The real Kafka broker and PostgreSQL server the integration tests of one JVM share. Chosen by
 * the system property {@code trellis.test.infra}: {@code embedded} (default: an in-process KRaft
 * broker and zonky PostgreSQL, no Docker needed) or {@code testcontainers} (the official
 * apache/kafka and postgres images; tests are skipped where no Docker engine runs).
 */
public interface TestInfrastructure {

    String MODE_PROPERTY = "trellis.test.infra";

    String kafkaBootstrapServers();

    /** Creates the database on first use, so each service keeps its own schema as in production. */
    String jdbcUrl(String database);

    String username();

    String password();

    static boolean testcontainersRequested() {
        return "testcontainers".equalsIgnoreCase(System.getProperty(MODE_PROPERTY, "embedded").trim());
    }

    /** Started on first use and kept for the life of the test JVM, so the suite pays the start-up once. */
    static TestInfrastructure shared() {
        return Holder.INSTANCE;
    }

    final class Holder {
        private static final TestInfrastructure INSTANCE = testcontainersRequested()
                ? new ContainerInfrastructure()
                : new EmbeddedInfrastructure();

        private Holder() {
        }
    }
}
