package dev.trellis.worker.block;

import dev.trellis.testsupport.WithTrellisInfrastructure;
import dev.trellis.worker.WorkerApplication;
import org.springframework.boot.test.context.SpringBootTest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;

/**
 * A block of the site "block-test" with two slots, on the shared real broker. One annotation, so
 * every block test class shares one Spring context and so one block: two blocks of the site
 * would split its tasks between them. A task reports STARTED once it has run for half a second,
 * so a test's quick task reliably reports its end alone and a long one STARTED first.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {WorkerApplication.CONFIG_NAME, "trellis.worker.site=" + BlockIntegrationTest.SITE, "trellis.worker.slots=2",
                "trellis.worker.heartbeat-interval=200ms",
                "trellis.worker.started-report-after=" + BlockIntegrationTest.STARTED_REPORT_AFTER_MILLIS + "ms", "trellis.worker.data-root=" + BlockIntegrationTest.DATA_ROOT_PATH})
@WithTrellisInfrastructure
@interface BlockIntegrationTest {

    String SITE = "block-test";
    long STARTED_REPORT_AFTER_MILLIS = 500;
    /** Relative to the module, so it can sit in an annotation; cleaned with {@code target/}. */
    String DATA_ROOT_PATH = "target/block-test-data";
    Path DATA_ROOT = Path.of(DATA_ROOT_PATH).toAbsolutePath();
}
