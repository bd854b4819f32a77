package dev.trellis.standalone;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.api.SubmissionView;
import dev.trellis.protocol.api.TaskView;
import dev.trellis.protocol.api.WorkflowView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code trellis run FILE}: start the stack, run one workflow to its end, print each task's result. */
@Command(name = "run", description = "Run a workflow file (YAML or JSON), show progress and print each task's result. Exits 1 if the workflow failed.")
class RunCommand implements Callable<Integer> {

    @Mixin
    StackOptions options;

    @Parameters(paramLabel = "FILE", description = "The workflow document, e.g. examples/multi-site.yaml")
    Path file;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        String document = Files.readString(file);
        try (StandaloneStack stack = StandaloneStack.start(options)) {
            out.println(stack.startupReport());
            RestClient rest = new RestClient(stack.httpPort());
            HttpResponse<String> submitted = rest.post("/api/workflows", contentType(file), document);
            if (submitted.statusCode() != 201) {
                out.println("The workflow was not accepted (HTTP " + submitted.statusCode() + "):");
                out.println(submitted.body());
                return 2;
            }
            SubmissionView submission = WireCodec.readValue(submitted.body(), SubmissionView.class);
            out.printf("Submitted workflow %s '%s' with %d tasks%n", submission.id(), submission.name(), submission.taskCount());
            WorkflowView workflow = follow(rest, submission, out);
            printResults(workflow, out);
            return "SUCCEEDED".equals(workflow.status()) ? 0 : 1;
        }
    }

    private static WorkflowView follow(RestClient rest, SubmissionView submission, PrintStream out) {
        long began = System.nanoTime();
        String lastProgress = "";
        while (true) {
            WorkflowView view = WireCodec.readValue(
                    rest.get("/api/workflows/" + submission.id() + "/wait?timeout=1s&attempts=true").body(), WorkflowView.class);
            String progress = view.taskCounts().entrySet().stream().filter(e -> e.getValue() > 0)
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
            if (!progress.equals(lastProgress)) {
                out.printf("[%6.1fs] %s%n", (System.nanoTime() - began) / 1e9, progress);
                lastProgress = progress;
            }
            if (!"RUNNING".equals(view.status())) {
                return view;
            }
        }
    }

    private static void printResults(WorkflowView workflow, PrintStream out) {
        out.println();
        out.printf("%-24s %-18s %-10s %-8s %s%n", "TASK", "STATE", "SITE", "ATTEMPTS", "RESULT");
        for (TaskView task : workflow.tasks()) {
            String outcome = task.error() != null ? task.error().lines().findFirst().orElse("")
                    : task.result() == null ? "" : WireCodec.writeString(task.result());
            out.printf("%-24s %-18s %-10s %-8d %s%n", task.id(), task.state(), task.site() == null ? "-" : task.site(),
                    task.attempts() == null ? task.attempt() : task.attempts().size(), outcome);
        }
        out.println();
        out.printf("Workflow %s %s%n", workflow.id(), workflow.status());
    }

    private static String contentType(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        return name.endsWith(".json") ? "application/json" : "application/yaml";
    }

}
