package dev.trellis.scheduler;

import dev.trellis.testsupport.WithTrellisInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The scheduler on its real port with two sites like the seed's ("threads" with 4 slots, "pilot"
 * with 2), a "spare" site for tests that kill or restart blocks, and two elastic sites without
 * blocks ("eager" at parallelism 1, "lean" at 0.1), three sites whose blocks are worker processes the
 * scheduler starts (the local provider: "local-lean", "local-eager", "local-walltime"), on real Kafka and Postgres. One annotation, so every test class shares one Spring context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        SchedulerApplication.CONFIG_NAME,
        "trellis.scheduler.sites[0].name=threads", "trellis.scheduler.sites[0].slots-per-block=4",
        "trellis.scheduler.sites[1].name=pilot", "trellis.scheduler.sites[1].slots-per-block=2",
        "trellis.scheduler.sites[2].name=spare", "trellis.scheduler.sites[2].slots-per-block=1",
        "trellis.scheduler.sites[3].name=eager", "trellis.scheduler.sites[3].slots-per-block=1",
        "trellis.scheduler.sites[3].blocks.max-blocks=10", "trellis.scheduler.sites[3].blocks.parallelism=1",
        "trellis.scheduler.sites[4].name=lean", "trellis.scheduler.sites[4].slots-per-block=1",
        "trellis.scheduler.sites[4].blocks.max-blocks=10", "trellis.scheduler.sites[4].blocks.parallelism=0.1",
        "trellis.scheduler.sites[5].name=local-lean", "trellis.scheduler.sites[5].slots-per-block=1",
        "trellis.scheduler.sites[5].blocks.provider=local", "trellis.scheduler.sites[5].blocks.max-blocks=10",
        "trellis.scheduler.sites[5].blocks.parallelism=0.1", "trellis.scheduler.sites[5].blocks.max-idle-time=2s",
        "trellis.scheduler.sites[6].name=local-eager", "trellis.scheduler.sites[6].slots-per-block=2",
        "trellis.scheduler.sites[6].blocks.provider=local", "trellis.scheduler.sites[6].blocks.max-blocks=10",
        "trellis.scheduler.sites[6].blocks.parallelism=1", "trellis.scheduler.sites[6].blocks.max-idle-time=2s",
        "trellis.scheduler.sites[7].name=local-walltime", "trellis.scheduler.sites[7].slots-per-block=1",
        "trellis.scheduler.sites[7].blocks.provider=local", "trellis.scheduler.sites[7].blocks.max-blocks=1",
        "trellis.scheduler.sites[7].blocks.walltime=8s", "trellis.scheduler.sites[7].blocks.max-idle-time=2s",
        "trellis.scheduler.local-blocks.log-dir=target/local-blocks",
        "trellis.scheduler.dispatch.worker-timeout=5s", "trellis.scheduler.dispatch.tick-interval=100ms",
        "trellis.scheduler.data-root=" + TestBlocks.DATA_ROOT_PATH,
        "trellis.scheduler.memo.checkpoint-url=" + TestCheckpointService.URL,
        "trellis.scheduler.memo.lookup-timeout=1s"})
@WithTrellisInfrastructure
public @interface SchedulerIntegrationTest {
}
