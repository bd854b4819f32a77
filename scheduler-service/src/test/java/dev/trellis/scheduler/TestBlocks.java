package dev.trellis.scheduler;

import dev.trellis.testsupport.TestInfrastructure;
import dev.trellis.testsupport.TrellisInfrastructureInitializer;
import dev.trellis.worker.WorkerApplication;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real worker-service blocks for the scheduler's tests, one per site, started once per JVM on the
 * shared broker and sharing one data root with the scheduler, as in the standalone mode.
 */
public final class TestBlocks {

    /** Relative to the module, so it can sit in an annotation; cleaned with {@code target/}. */
    public static final String DATA_ROOT_PATH = "target/test-data";
    public static final Path DATA_ROOT = Path.of(DATA_ROOT_PATH).toAbsolutePath();
    private static final Map<String, ConfigurableApplicationContext> BLOCKS = new ConcurrentHashMap<>();

    private TestBlocks() {
    }

    /** Starts a block of {@code site} unless one runs already. */
    public static void ensure(String site, int slots) {
        BLOCKS.computeIfAbsent(site, s -> start(s, slots, s + "-test-block"));
    }

    public static ConfigurableApplicationContext start(String site, int slots, String blockId) {
        return WorkerApplication.application()
                .initializers(new TrellisInfrastructureInitializer())
                // Arguments, not default properties: they must win over worker.yml.
                .run(arguments(site, slots, blockId).toArray(String[]::new));
    }

    /** A block in its own JVM (see {@link TestJvms}), on the shared broker. */
    public static Process startProcess(String site, int slots, String blockId, Path log) throws IOException {
        List<String> arguments = new ArrayList<>(arguments(site, slots, blockId));
        arguments.add("--spring.kafka.bootstrap-servers=" + TestInfrastructure.shared().kafkaBootstrapServers());
        return TestJvms.start(WorkerApplication.class, arguments, log);
    }

    private static List<String> arguments(String site, int slots, String blockId) {
        return List.of("--trellis.worker.site=" + site, "--trellis.worker.slots=" + slots,
                "--trellis.worker.block-id=" + blockId, "--trellis.worker.data-root=" + DATA_ROOT,
                "--trellis.worker.heartbeat-interval=300ms", "--server.port=0", "--spring.main.banner-mode=off");
    }
}
