package dev.trellis.scheduler.workflow;

import dev.trellis.scheduler.TestBlocks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Value;

/**
 * What the workflow tests that submit over REST share: a block on each of the two test sites
 * ({@code threads} with 4 slots, {@code pilot} with 2) and a {@link WorkflowApi} on the
 * scheduler's port. Subclasses carry {@code @SchedulerIntegrationTest}.
 */
abstract class WorkflowApiTestBase {

    @Value("${local.server.port}")
    int port;

    WorkflowApi api;

    @BeforeAll
    static void startBlocks() {
        TestBlocks.ensure("threads", 4);
        TestBlocks.ensure("pilot", 2);
    }

    @BeforeEach
    void client() {
        api = new WorkflowApi(port);
    }
}
