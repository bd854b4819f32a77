package dev.trellis.standalone;

import dev.trellis.checkpoint.CheckpointApplication;
import dev.trellis.embedded.EmbeddedKafka;
import dev.trellis.embedded.EmbeddedPostgres;
import dev.trellis.scheduler.SchedulerApplication;
import dev.trellis.worker.WorkerApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The whole product in one process: PostgreSQL and a KRaft broker with data under the home
 * directory, then the scheduler, the checkpoint-service and one worker block per site, each its
 * own Spring context wired to them exactly as in a distributed deployment.
 */
public final class StandaloneStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StandaloneStack.class);
    /**
     * Partitions of the results topic and of each fixed site's task topic (one block each here); an
     * elastic site's has at least its most blocks. Fewer partitions carry fuller batches per produce
     * and fetch: batches of 1,000 workflows ran 8-32 % faster on 4 than on 16 (three pairs of servers).
     * A home made before keeps its topics' partitions.
     */
    static final int PARTITIONS = 4;

    private final EmbeddedPostgres postgres;
    private final EmbeddedKafka kafka;
    private final List<ConfigurableApplicationContext> services;
    private final int httpPort;
    private final String startupReport;
    /**
     * Stops the stack, in order, when the JVM is told to exit (Ctrl-C, SIGTERM): PostgreSQL is a
     * process of its own, and without this it outlived every command but {@code serve}.
     */
    private final Thread stopOnExit = new Thread(this::close, "trellis-stop");
    private boolean closed;

    private StandaloneStack(EmbeddedPostgres postgres, EmbeddedKafka kafka, List<ConfigurableApplicationContext> services,
                            int httpPort, String startupReport) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.services = services;
        this.httpPort = httpPort;
        this.startupReport = startupReport;
        try {
            Runtime.getRuntime().addShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            close(); // the JVM began to exit as the start ended: stop now, nobody else will
            throw e;
        }
    }

    public static StandaloneStack start(StackOptions options) {
        // The services' contexts start side by side in this JVM, and each would re-initialize Logback
        // while the others log: a reset racing another context's changes failed a start. All of them
        // keep Logback's own configuration (logback.xml) instead, whoever calls this.
        System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
        long began = System.nanoTime();
        Path home = options.home.toAbsolutePath().normalize();
        ExecutorService starter = Executors.newFixedThreadPool(4, r -> new Thread(r, "trellis-start"));
        // The database and the broker are independent: start them side by side.
        CompletableFuture<EmbeddedPostgres> postgresStart = CompletableFuture.supplyAsync(
                () -> EmbeddedPostgres.start(home.resolve("postgres"), options.postgresPort, false), starter);
        CompletableFuture<EmbeddedKafka> kafkaStart = CompletableFuture.supplyAsync(
                () -> EmbeddedKafka.start(home.resolve("kafka"), options.kafkaPort, PARTITIONS), starter);
        List<CompletableFuture<ConfigurableApplicationContext>> starting = new CopyOnWriteArrayList<>();
        // Until the stack is up, a JVM told to exit (Ctrl-C during a slow start) stops what has started so far.
        Thread stopWhileStarting = new Thread(() -> stopStarted(starting, kafkaStart, postgresStart), "trellis-stop-starting");
        Runtime.getRuntime().addShutdownHook(stopWhileStarting);
        try {
            EmbeddedPostgres postgres = postgresStart.join();
            EmbeddedKafka kafka = kafkaStart.join();
            long infraReady = System.nanoTime();

            List<String> common = List.of(
                    "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                    "--spring.main.banner-mode=off",
                    // The stack stops the services itself, before the broker and the database they flush to:
                    // the contexts' own hooks would run all at once, beside the stack's, in no order.
                    "--spring.main.register-shutdown-hook=false",
                    "--spring.datasource.username=" + postgres.username(),
                    "--spring.datasource.password=" + postgres.password());
            Path data = home.resolve("data");
            List<String> siteArgs = new ArrayList<>();
            List<StackOptions.SiteSpec> sites = options.siteSpecs();
            for (int i = 0; i < sites.size(); i++) {
                siteArgs.add("--trellis.scheduler.sites[" + i + "].name=" + sites.get(i).name());
                siteArgs.add("--trellis.scheduler.sites[" + i + "].slots-per-block=" + sites.get(i).slots());
            }
            List<StackOptions.ElasticSiteSpec> elasticSites = options.elasticSiteSpecs();
            for (int i = 0; i < elasticSites.size(); i++) {
                StackOptions.ElasticSiteSpec site = elasticSites.get(i);
                String prefix = "--trellis.scheduler.sites[" + (sites.size() + i) + "].";
                siteArgs.addAll(List.of(prefix + "name=" + site.name(), prefix + "slots-per-block=" + site.slots(),
                        prefix + "blocks.provider=local", prefix + "blocks.max-blocks=" + site.maxBlocks(),
                        prefix + "blocks.parallelism=" + site.parallelism(), prefix + "blocks.max-idle-time=" + options.maxIdleTime,
                        prefix + "task-topic-partitions=" + Math.max(PARTITIONS, site.maxBlocks())));
            }
            List<String> schedulerArgs = new ArrayList<>(siteArgs);
            schedulerArgs.add("--trellis.scheduler.dispatch.task-topic-partitions=" + PARTITIONS);
            schedulerArgs.add("--trellis.scheduler.local-blocks.log-dir=" + home.resolve("blocks"));
            schedulerArgs.addAll(List.of("--spring.datasource.url=" + postgres.ensureDatabase("scheduler_service"),
                    "--server.port=" + options.httpPort, "--trellis.scheduler.data-root=" + data, tomcatBaseDir(home, "scheduler"),
                    "--trellis.scheduler.memo.checkpoint-url=http://127.0.0.1:" + options.checkpointPort));
            starting.add(CompletableFuture.supplyAsync(() -> run(SchedulerApplication.application(), common, schedulerArgs), starter));
            starting.add(CompletableFuture.supplyAsync(() -> run(CheckpointApplication.application(), common, List.of(
                    "--spring.datasource.url=" + postgres.ensureDatabase("checkpoint_service"),
                    "--server.port=" + options.checkpointPort, tomcatBaseDir(home, "checkpoint"))), starter));
            for (StackOptions.SiteSpec site : sites) {
                starting.add(CompletableFuture.supplyAsync(() -> run(WorkerApplication.application(), common, List.of(
                        "--trellis.worker.site=" + site.name(), "--trellis.worker.slots=" + site.slots(),
                        "--trellis.worker.block-id=" + site.name() + "-standalone", "--trellis.worker.data-root=" + data,
                        "--server.port=0", tomcatBaseDir(home, "worker-" + site.name()))), starter));
            }
            List<ConfigurableApplicationContext> services = starting.stream().map(CompletableFuture::join).toList();
            if (!withdraw(stopWhileStarting)) {
                throw new IllegalStateException("the JVM is exiting: the stack stops instead of starting");
            }
            long ready = System.nanoTime();
            String report = String.format("Trellis ready in %.1f s (PostgreSQL and Kafka %.1f s, services %.1f s); REST API on http://127.0.0.1:%d/api/workflows",
                    seconds(ready - began), seconds(infraReady - began), seconds(ready - infraReady), options.httpPort);
            return new StandaloneStack(postgres, kafka, services, options.httpPort, report);
        } catch (RuntimeException e) {
            // Leave nothing running (postgres is a separate process) when a part cannot start.
            if (withdraw(stopWhileStarting)) {
                stopStarted(starting, kafkaStart, postgresStart);
            }
            throw e;
        } finally {
            starter.shutdown();
        }
    }

    /**
     * Tomcat's work directory for one service, in the stack's home: by default each start left a
     * {@code tomcat.*} directory in the system's temporary directory, which its exit could not delete
     * because Tomcat had written into it.
     */
    private static String tomcatBaseDir(Path home, String service) {
        return "--server.tomcat.basedir=" + home.resolve("tomcat").resolve(service);
    }

    /** Stops, in the stack's order, whatever of a start has come up, once each part's start ended (a minute at most). */
    private static void stopStarted(List<CompletableFuture<ConfigurableApplicationContext>> services,
                                    CompletableFuture<EmbeddedKafka> kafka, CompletableFuture<EmbeddedPostgres> postgres) {
        stopInOrder(services.stream().map(StandaloneStack::started).flatMap(Optional::stream).toList(),
                started(kafka).orElse(null), started(postgres).orElse(null));
    }

    /** What a part's start produced; empty when it failed or took over a minute. */
    private static <T> Optional<T> started(CompletableFuture<T> start) {
        try {
            return Optional.of(start.get(1, TimeUnit.MINUTES));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /** Takes a shutdown hook back; false when the JVM is already exiting, and so running it. */
    private static boolean withdraw(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Settings go in as arguments, which win over each service's own config file. */
    private static ConfigurableApplicationContext run(SpringApplicationBuilder application, List<String> common, List<String> own) {
        List<String> args = new ArrayList<>(common);
        args.addAll(own);
        long began = System.nanoTime();
        ConfigurableApplicationContext context = application.run(args.toArray(String[]::new));
        log.info("{} started in {} ms", context.getEnvironment().getProperty("spring.application.name"),
                (System.nanoTime() - began) / 1_000_000);
        return context;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    public String startupReport() {
        return startupReport;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The stack's own broker, for clients that measure or watch it beside the services. */
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Connections to one database (created if missing) of the stack's PostgreSQL server. */
    public DataSource database(String name) {
        postgres.ensureDatabase(name);
        return postgres.dataSource(name);
    }

    /**
     * Services first (they drain and flush to the broker and database), then the broker, then the
     * database. Once only: a second call, from the exit hook or another thread, waits for the first.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != stopOnExit) {
            withdraw(stopOnExit); // when the JVM is already exiting, the hook runs and finds the stack closed
        }
        stopInOrder(services, kafka, postgres);
    }

    /** Services first, from the last started, then the broker, then the database (either may be null). */
    private static void stopInOrder(List<ConfigurableApplicationContext> services, EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        for (int i = services.size() - 1; i >= 0; i--) {
            try {
                services.get(i).close();
            } catch (RuntimeException e) {
                log.warn("a service did not stop cleanly: {}", e.toString());
            }
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
