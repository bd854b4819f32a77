package dev.trellis.benchmarks;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SiteView;
import dev.trellis.protocol.api.WorkflowView;
import dev.trellis.standalone.RestClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What elasticity costs a waiting task: a one-task workflow goes to the stack's elastic site while it
 * has no block, and the figure runs from the submit call to the task starting in the block the
 * scheduler started for it (the attempt's start, as the block reported it). The first round's block
 * records the class-data archive as it exits; later rounds start from it. Beside it, the machine's
 * floor for any block: starting a bare JVM.
 */
final class BlockStartScenario {

    static final String SITE = "elastic";
    private static final Duration SCALE_IN_WAIT = Duration.ofMinutes(2);
    private static final Duration ARCHIVE_WAIT = Duration.ofSeconds(30);

    private final SchedulerClient scheduler;
    private final RestClient rest;
    private final Path blocksDir;
    private final Consumer<Figure> out;

    BlockStartScenario(SchedulerClient scheduler, RestClient rest, Path blocksDir, Consumer<Figure> out) {
        this.scheduler = scheduler;
        this.rest = rest;
        this.blocksDir = blocksDir;
        this.out = out;
    }

    void run(int rounds) throws Exception {
        double jvm = bareJvmStartSeconds();
        out.accept(new Figure("limit_jvm_start", jvm, "s", null, null, Map.of("command", "java -XX:TieredStopAtLevel=1 -version")));
        for (int round = 1; round <= rounds; round++) {
            awaitNoBlock();
            boolean archived = archiveExists();
            long submitted = System.currentTimeMillis();
            String id = scheduler.awaitSucceeded(scheduler.submit(WorkflowDocuments.pinnedNoOp("bench-block-start", SITE)).id()).id();
            WorkflowView done = WireCodec.readValue(rest.get("/api/workflows/" + id + "?attempts=true").body(), WorkflowView.class);
            long started = done.tasks().get(0).attempts().get(0).startedAtMillis();
            out.accept(new Figure("block_start_to_first_task", (started - submitted) / 1e3, "s", jvm, null,
                    Map.of("round", round, "classDataArchive", archived)));
            if (round == 1 && rounds > 1) {
                awaitArchive();
            }
        }
    }

    private void awaitNoBlock() throws InterruptedException {
        long deadline = System.nanoTime() + SCALE_IN_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            SiteView site = WireCodec.readValue(rest.get("/api/sites/" + SITE).body(), SiteView.class);
            if (site.blocks().stream().allMatch(b -> b.state().equals("GONE"))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("site " + SITE + " still has blocks after " + SCALE_IN_WAIT);
    }

    /**
     * The first block writes it as its JVM exits, a moment after the scheduler saw it stop. None comes
     * when the class path has directories (AppCDS takes jars only): later rounds then run without.
     */
    private void awaitArchive() throws InterruptedException {
        long deadline = System.nanoTime() + ARCHIVE_WAIT.toNanos();
        while (!archiveExists() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    private boolean archiveExists() {
        try (Stream<Path> files = Files.exists(blocksDir) ? Files.list(blocksDir) : Stream.empty()) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".jsa"));
        } catch (IOException e) {
            return false;
        }
    }

    private static double bareJvmStartSeconds() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        long began = System.nanoTime();
        Process process = new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-version"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor();
        return (System.nanoTime() - began) / 1e9;
    }
}
