package dev.trellis.worker.block;

import dev.trellis.worker.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Ends this block when the process that started it ends: a block started by the scheduler's local
 * provider must not outlive a scheduler that was killed (nothing would stop it, and it would keep
 * asking a broker that may be gone). Shuts down gracefully, and halts if that hangs.
 */
@Component
@ConditionalOnProperty("trellis.worker.exit-with-pid")
class ParentProcessWatch {

    private static final Logger log = LoggerFactory.getLogger(ParentProcessWatch.class);
    private static final Duration GRACE = Duration.ofSeconds(20);

    ParentProcessWatch(ConfigurableApplicationContext context, WorkerProperties properties) {
        long parent = properties.exitWithPid();
        ProcessHandle.of(parent).ifPresentOrElse(
                handle -> handle.onExit().thenRun(() -> exit(context, "process " + parent + " that started this block ended")),
                () -> exit(context, "process " + parent + " that started this block is already gone"));
    }

    private static void exit(ConfigurableApplicationContext context, String why) {
        log.warn("{}: shutting down", why);
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(GRACE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(1);
        }, "parent-gone-halt");
        halt.setDaemon(true);
        halt.start();
        new Thread(() -> System.exit(SpringApplication.exit(context, () -> 1)), "parent-gone-exit").start();
    }
}
