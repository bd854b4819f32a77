package dev.trellis.checkpoint;

import dev.trellis.testsupport.WithTrellisInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The checkpoint-service on a random port, wired to the shared real Kafka broker and PostgreSQL.
 * Every test class of the module uses it, so they all share one cached Spring context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        CheckpointApplication.CONFIG_NAME,
        // Count entries often enough for a test to watch the gauge move.
        "trellis.checkpoint.entry-count-refresh=1s"})
@WithTrellisInfrastructure
public @interface RunningCheckpointService {
}
