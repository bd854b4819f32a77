package dev.trellis.scheduler;

import dev.trellis.checkpoint.CheckpointApplication;
import dev.trellis.testsupport.TrellisInfrastructureInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real checkpoint-service for the scheduler's caching tests, on a fixed port so the shared
 * scheduler context can name it, and stoppable so a test can take it away mid-workflow. Tests
 * that never start it see it as down, which the scheduler treats as "no cached results".
 */
public final class TestCheckpointService {

    /** A fixed port: it must appear in an annotation. */
    public static final int PORT = 18182;
    public static final String URL = "http://127.0.0.1:18182";

    private static ConfigurableApplicationContext context;

    private TestCheckpointService() {
    }

    public static synchronized void start() {
        if (context == null || !context.isActive()) {
            context = CheckpointApplication.application()
                    .initializers(new TrellisInfrastructureInitializer())
                    .run("--server.port=" + PORT, "--spring.main.banner-mode=off");
        }
    }

    public static synchronized void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }
}
