package dev.trellis.scheduler.elasticity;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.AttemptView;
import dev.trellis.protocol.api.SiteView;
import dev.trellis.protocol.api.TaskView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.scheduler.SchedulerIntegrationTest;
import dev.trellis.scheduler.workflow.WorkflowApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's elasticity section with the local provider: blocks are worker JVMs the scheduler starts,
 * drains and stops. Ten python tasks report the pid of the interpreter that ran them.
 */
@SchedulerIntegrationTest
class LocalBlocksTest {

    private static final Duration SCALE_IN = Duration.ofSeconds(60);

    @Value("${local.server.port}")
    int port;

    private WorkflowApi api;

    @BeforeEach
    void client() {
        api = new WorkflowApi(port);
    }

    @Test
    void atParallelismPointOneOneBlockRunsEveryTaskAndTheSiteGoesBackToNoBlocks() {
        WorkflowView view = awaitFinished(api.submit(pids("local-lean", 10, 1)).id());

        assertThat(view.status()).isEqualTo("SUCCEEDED");
        assertThat(view.tasks()).extracting(TaskView::result).as("the pid each task ran in").containsOnly(onlyPid(view));
        assertThat(blocksUsed(view)).hasSize(1);

        SiteView idle = awaitSite("local-lean", "every block to be stopped after its idle time",
                site -> !site.blocks().isEmpty() && site.blocks().stream().allMatch(b -> b.state().equals("GONE")));
        assertThat(idle.desiredBlocks()).isZero();
        assertThat(api.http().get("/actuator/prometheus").body()).as("the block's start-up was timed")
                .contains("trellis_site_block_first_task_seconds_count{service=\"scheduler-service\",site=\"local-lean\"} 1");
        for (SiteView.BlockView block : idle.blocks()) {
            ProcessHandle.of(block.pid()).ifPresent(process -> assertThat(process.onExit())
                    .as("process of " + block.id()).succeedsWithin(SCALE_IN));
        }
    }

    @Test
    void atParallelismOneSeveralBlocksRunTheTasksAndScalingInNeverInterruptsARunningOne() {
        String yaml = pids("local-eager", 9, 2) + """
                  - {id: long, app: pid, args: {seconds: 25}}
                """;
        String id = api.submit(yaml).id();
        List<String> goneWhileLongRan = new ArrayList<>();
        WorkflowView view = api.get(id);
        while (view.status().equals("RUNNING")) {
            SiteView site = site("local-eager");
            if (WorkflowApi.task(view, "long").state().equals("RUNNING")) {
                site.blocks().stream().filter(b -> b.state().equals("GONE")).forEach(b -> goneWhileLongRan.add(b.id()));
            }
            WorkflowApi.sleep(Duration.ofMillis(200));
            view = api.get(id);
        }

        assertThat(view.status()).isEqualTo("SUCCEEDED");
        assertThat(view.tasks()).allSatisfy(task -> assertThat(task.attempts()).as(task.id()).hasSize(1));
        assertThat(view.tasks().stream().map(TaskView::result).collect(Collectors.toSet())).as("distinct pids").hasSizeGreaterThan(1);
        assertThat(blocksUsed(view)).hasSizeGreaterThan(1);
        assertThat(goneWhileLongRan).as("blocks stopped while 'long' still ran on another").isNotEmpty();
        awaitSite("local-eager", "every block to be stopped after its idle time",
                site -> site.blocks().stream().allMatch(b -> b.state().equals("GONE")));
    }

    @Test
    void aBlockAtItsWalltimeDrainsAndIsReplacedWhileTasksRemain() {
        // One block at a time, 8 s walltime, 12 s of work: the first block leaves after the task it runs at 8 s.
        WorkflowView view = awaitFinished(api.submit(pids("local-walltime", 4, 3)).id());

        assertThat(view.status()).isEqualTo("SUCCEEDED");
        assertThat(view.tasks()).allSatisfy(task -> assertThat(task.attempts()).as(task.id()).hasSize(1));
        Set<String> blocks = blocksUsed(view);
        assertThat(blocks).as("the block and its replacement").hasSizeGreaterThanOrEqualTo(2);
        String first = view.tasks().stream().flatMap(t -> t.attempts().stream())
                .min(java.util.Comparator.comparing(AttemptView::startedAtMillis)).orElseThrow().blockId();
        awaitSite("local-walltime", "the first block to be gone",
                site -> site.blocks().stream().anyMatch(b -> b.id().equals(first) && b.state().equals("GONE")));
    }

    /** Blocks are JVMs started on demand: on a loaded 2-core machine several of them take a while. */
    private WorkflowView awaitFinished(String id) {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (api.awaitFinishedOrNot(id, "30s").status().equals("RUNNING")) {
            assertThat(System.nanoTime()).as("workflow %s finished within 4 minutes", id).isLessThan(deadline);
        }
        return api.get(id);
    }

    /** Tasks that sleep and return the pid of the python interpreter that ran them. */
    private static String pids(String site, int tasks, int seconds) {
        return """
                name: elastic-%s
                apps:
                  pid:
                    type: python
                    sites: [%s]
                    source: |
                      import os, time
                      def pid(seconds):
                          time.sleep(seconds)
                          return os.getpid()
                tasks:
                  - {id: "t-{i}", app: pid, count: %d, args: {seconds: %d}}
                """.formatted(site, site, tasks, seconds);
    }

    private static Object onlyPid(WorkflowView view) {
        return view.tasks().get(0).result();
    }

    private static Set<String> blocksUsed(WorkflowView view) {
        return view.tasks().stream().flatMap(t -> t.attempts().stream()).map(AttemptView::blockId).collect(Collectors.toSet());
    }

    private SiteView site(String name) {
        return WireCodec.readValue(api.http().get("/api/sites/" + name).body(), SiteView.class);
    }

    private SiteView awaitSite(String name, String what, Predicate<SiteView> condition) {
        long deadline = System.nanoTime() + SCALE_IN.toNanos();
        SiteView site = site(name);
        while (!condition.test(site)) {
            assertThat(System.nanoTime()).as("waited %s for %s; the site shows %s", SCALE_IN, what, WireCodec.writeString(site))
                    .isLessThan(deadline);
            WorkflowApi.sleep(Duration.ofMillis(200));
            site = site(name);
        }
        return site;
    }
}
