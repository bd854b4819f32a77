package dev.trellis.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server run from the zonky binaries (no Docker, no system install). With a
 * persistent data directory the databases survive restarts; every service gets its own database
 * on the one server, as it would on a shared managed Postgres.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
        this.server = server;
    }

    /**
     * Starts a server that a JVM shutdown hook stops, so no postgres process outlives the JVM.
     *
     * @param dataDir kept between starts when it already holds a cluster
     * @param port    0 for any free port
     */
    public static EmbeddedPostgres start(Path dataDir, int port) {
        return start(dataDir, port, true);
    }

    /**
     * @param stopOnJvmExit false when the caller stops it itself, after the services that use it
     */
    public static EmbeddedPostgres start(Path dataDir, int port, boolean stopOnJvmExit) {
        try {
            Files.createDirectories(dataDir);
            stopOrphanedServer(dataDir);
            boolean existing = Files.exists(dataDir.resolve("PG_VERSION"));
            var server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(stopOnJvmExit)
                    .setPort(port == 0 ? FreePorts.pick() : port)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "200")
                    .start();
            log.info("PostgreSQL listening on 127.0.0.1:{}, data in {} ({})", server.getPort(), dataDir,
                    existing ? "existing cluster" : "new cluster");
            return new EmbeddedPostgres(server);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL in " + dataDir, e);
        }
    }

    /**
     * A JVM killed with -9 leaves its postgres running (it is a separate process) and holding the
     * port and the data directory; stop it so this start can take over the same data.
     */
    private static void stopOrphanedServer(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (RuntimeException e) {
            return;
        }
        ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false)).ifPresent(orphan -> {
            log.warn("stopping PostgreSQL (pid {}) left running on {} by an earlier run", pid, dataDir);
            orphan.destroy();
            try {
                orphan.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                orphan.destroyForcibly();
            }
        });
    }

    /** Creates {@code database} unless it exists, and returns its JDBC URL. */
    public String ensureDatabase(String database) {
        try (Connection connection = server.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (!rs.next()) {
                    statement.execute("CREATE DATABASE \"" + database + "\"");
                }
            }
            return jdbcUrl(database);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database, e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database;
    }

    public String username() {
        return "postgres";
    }

    public String password() {
        return "postgres";
    }

    public int port() {
        return server.getPort();
    }

    public DataSource dataSource(String database) {
        return server.getDatabase(username(), database);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
