package dev.trellis.worker.block;

import dev.trellis.protocol.Topics;
import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.AttemptStatus;
import dev.trellis.protocol.message.CancelMessage;
import dev.trellis.protocol.message.ResultMessage;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.worker.WorkerProperties;
import dev.trellis.worker.app.AppExecutor;
import dev.trellis.worker.app.AppOutcome;
import dev.trellis.worker.app.Slot;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs taken tasks on the block's slot threads and reports on them, without waiting for the broker:
 * STARTED once the task has run for {@code started-report-after} (a task that ends sooner is
 * reported by its end alone), then SUCCEEDED or FAILED. The task's record is committed once its
 * first report is in. Stops the attempts the scheduler cancels, and skips those cancelled before
 * they arrived.
 */
class TaskExecution implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskExecution.class);
    private static final long PID = ProcessHandle.current().pid();

    private final WorkerProperties properties;
    private final AppExecutor apps;
    private final SlotPool slots;
    private final KafkaTemplate<String, byte[]> kafka;
    private final MeterRegistry meters;
    private final ExecutorService slotThreads;
    /** Sends the STARTED reports of tasks still running after {@code started-report-after}. */
    private final ScheduledExecutorService startedReports;
    private final Map<String, RunningAttempt> running = new ConcurrentHashMap<>();
    private final Map<String, Timer> durationTimers = new ConcurrentHashMap<>();
    private final CancelledAttempts cancelled = new CancelledAttempts();
    private volatile Runnable slotReleased = () -> { };
    private volatile Runnable firstTaskStarted = () -> { };
    private volatile Runnable closed = () -> { };
    private final AtomicBoolean anyTaskStarted = new AtomicBoolean();
    /** Partitions of the results topic, once known. */
    private volatile int resultsPartitions;

    TaskExecution(WorkerProperties properties, AppExecutor apps, SlotPool slots,
                  KafkaTemplate<String, byte[]> kafka, MeterRegistry meters) {
        this.properties = properties;
        this.apps = apps;
        this.slots = slots;
        this.kafka = kafka;
        this.meters = meters;
        AtomicInteger threadNumber = new AtomicInteger();
        this.slotThreads = Executors.newFixedThreadPool(slots.size(),
                r -> new Thread(r, "slot-" + properties.blockId() + "-" + threadNumber.getAndIncrement()));
        this.startedReports = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "started-reports-" + properties.blockId());
            thread.setDaemon(true);
            return thread;
        });
    }

    void onSlotReleased(Runnable callback) {
        this.slotReleased = callback;
    }

    void onFirstTaskStarted(Runnable callback) {
        this.firstTaskStarted = callback;
    }

    /** Runs after the slots closed, while the Kafka producer still works. */
    void onClosed(Runnable callback) {
        this.closed = callback;
    }

    /**
     * Hands the task to a slot thread at once; its STARTED report follows if it is still running
     * after {@code started-report-after}. Neither waits for the broker.
     *
     * @return completes when the broker has the attempt's first report (STARTED, or its end)
     */
    CompletableFuture<?> start(TaskMessage task, Slot slot) {
        RunningAttempt attempt = track(task);
        if (properties.startedReportAfter().isZero()) {
            reportStarted(attempt);
        } else {
            startedReports.schedule(() -> reportStarted(attempt), properties.startedReportAfter().toNanos(), TimeUnit.NANOSECONDS);
        }
        slotThreads.execute(() -> run(attempt, slot));
        if (anyTaskStarted.compareAndSet(false, true)) {
            firstTaskStarted.run();
        }
        return attempt.firstReport;
    }

    /** Sends STARTED unless the attempt's end was reported first; its end report follows on the same partition. */
    private void reportStarted(RunningAttempt attempt) {
        TaskMessage task = attempt.task;
        CompletableFuture<?> started;
        // Under the attempt's lock, as the end report is: STARTED is never sent after the end.
        synchronized (attempt) {
            if (!attempt.claimFirstReport()) {
                return;
            }
            started = report(task, AttemptStatus.STARTED, null, attempt.startedAt, 0);
        }
        started.whenComplete((sent, error) -> {
            if (error != null) {
                log.error("could not report {}/{} attempt {} STARTED; its record stays uncommitted",
                        task.workflowId(), task.taskId(), task.attempt(), error);
            }
        });
        attempt.firstReportIs(started);
    }

    /** Why the task was cancelled before it arrived, if this block heard of it. */
    Optional<String> cancellationOf(TaskMessage task) {
        return cancelled.reasonFor(task, Instant.now());
    }

    /**
     * Reports FAILED, without running it, a task whose cancellation this block heard before the
     * task arrived.
     *
     * @return completes when the broker has the report
     */
    CompletableFuture<?> skip(TaskMessage task, String reason) {
        log.info("task {}/{} attempt {} skipped: cancelled before it started ({})",
                task.workflowId(), task.taskId(), task.attempt(), reason);
        long now = System.currentTimeMillis();
        return report(task, AttemptStatus.FAILED, AppOutcome.failure("cancelled before it started: " + reason), now, now);
    }

    /** Waits until every report sent so far reached the broker (or failed). */
    void flushReports() {
        kafka.flush();
    }

    /** Remembers the cancellation (for attempts still on their way) and stops the ones it covers running here. */
    void cancel(CancelMessage cancel) {
        Instant now = Instant.now();
        cancelled.remember(cancel, now);
        for (RunningAttempt attempt : running.values()) {
            cancelled.reasonFor(attempt.task, now).ifPresent(attempt::cancel);
        }
    }

    /** Runs the attempt, then its continuation if it came with one and succeeded; then gives the slot back. */
    private void run(RunningAttempt attempt, Slot slot) {
        TaskMessage continuation = null;
        try {
            continuation = runAndReport(attempt, slot);
        } finally {
            if (continuation == null) {
                release(slot);
            }
        }
        if (continuation != null) {
            runContinuation(continuation, slot);
        }
    }

    /** @return the continuation to run next in the same slot, or null */
    private TaskMessage runAndReport(RunningAttempt attempt, Slot slot) {
        TaskMessage task = attempt.task;
        long startedAt = attempt.startedAt;
        AppOutcome outcome;
        String cancelReason;
        try {
            outcome = attempt.begin() ? apps.execute(task, slot) : AppOutcome.failure("cancelled");
        } catch (RuntimeException e) {
            outcome = AppOutcome.failure("worker error: " + e);
        } finally {
            cancelReason = attempt.end();
            running.remove(attemptKey(task), attempt);
        }
        if (cancelReason != null && !outcome.succeeded()) {
            // Whatever the stopped app said, this is why it stopped.
            outcome = outcome.asFailure("cancelled: " + cancelReason);
        }
        long finishedAt = System.currentTimeMillis();
        durationTimer(task.app().type().wireName(), outcome.succeeded() ? "succeeded" : "failed")
                .record(finishedAt - startedAt, TimeUnit.MILLISECONDS);
        if (outcome.succeeded()) {
            log.debug("task {}/{} attempt {} succeeded in {} ms", task.workflowId(), task.taskId(), task.attempt(),
                    finishedAt - startedAt);
        } else {
            log.info("task {}/{} attempt {} failed in {} ms: {}", task.workflowId(), task.taskId(), task.attempt(),
                    finishedAt - startedAt, firstLine(outcome.error()));
        }
        CompletableFuture<?> ended;
        synchronized (attempt) {
            ended = report(task, outcome.succeeded() ? AttemptStatus.SUCCEEDED : AttemptStatus.FAILED, outcome, startedAt, finishedAt);
            if (attempt.claimFirstReport()) {
                attempt.firstReportIs(ended); // it ended before its STARTED was due: the end is its only report
            }
        }
        ended.whenComplete((sent, error) -> {
            if (error != null) {
                // The producer retried up to its delivery timeout; the attempt stays RUNNING at the scheduler.
                log.error("could not report the result of {}/{} attempt {}", task.workflowId(), task.taskId(),
                        task.attempt(), error);
            }
        });
        return task.then() != null && outcome.succeeded() ? task.continuationAfter(outcome.result()) : null;
    }

    /**
     * Runs the continuation that came aboard a task which just succeeded, in the same slot. The
     * scheduler counts it as running here from the moment it applies that success, so no STARTED
     * is sent; a cancellation heard before it starts still stops it, reported as FAILED.
     */
    private void runContinuation(TaskMessage continuation, Slot slot) {
        RunningAttempt attempt = track(continuation);
        attempt.claimFirstReport();
        run(attempt, slot);
    }

    /** An attempt starting now, known to {@link #cancel}; one cancelled while it waited for a slot, which cancel() may have missed, is so already. */
    private RunningAttempt track(TaskMessage task) {
        RunningAttempt attempt = new RunningAttempt(task, System.currentTimeMillis());
        running.put(attemptKey(task), attempt);
        cancelled.reasonFor(task, Instant.now()).ifPresent(attempt::cancel);
        return attempt;
    }

    /** Looked up once per app type and status: building a meter id per task costs more than a no-op task. */
    private Timer durationTimer(String appType, String status) {
        return durationTimers.computeIfAbsent(appType + "/" + status, key -> Timer.builder("trellis.worker.task.duration")
                .description("Time apps ran on this block")
                .tag("site", properties.site()).tag("app_type", appType).tag("status", status)
                .publishPercentileHistogram()
                .register(meters));
    }

    private void release(Slot slot) {
        slots.release(slot);
        slotReleased.run();
    }

    /** Sends a report without waiting; the future completes when the broker has it. */
    private CompletableFuture<?> report(TaskMessage task, AttemptStatus status, AppOutcome outcome, long startedAt, long finishedAt) {
        ResultMessage message = new ResultMessage(ResultMessage.CURRENT_VERSION, task.workflowId(), task.taskId(),
                task.attempt(), status,
                outcome == null ? null : outcome.result(),
                outcome == null ? null : outcome.error(),
                outcome == null ? null : outcome.exitCode(),
                properties.site(), properties.blockId(), properties.blockId() + "/" + PID,
                outcome == null || outcome.pid() == null ? PID : outcome.pid(),
                startedAt, finishedAt,
                outcome == null ? null : outcome.stdoutTail(),
                outcome == null ? null : outcome.stderrTail());
        try {
            return kafka.send(new ProducerRecord<>(Topics.RESULTS, resultsPartition(task.workflowId()), message.key(),
                    WireCodec.write(message)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * All reports of a workflow go to one partition (the scheduler needs an attempt's reports in
     * order, and a workflow's are applied together anyway): a busy block's reports then make a few
     * dense batches instead of one record for each of many partitions. Null (the producer's choice)
     * while the topic's partitions are unknown.
     */
    private Integer resultsPartition(String workflowId) {
        int partitions = resultsPartitions;
        if (partitions == 0) {
            try {
                partitions = resultsPartitions = kafka.partitionsFor(Topics.RESULTS).size();
            } catch (RuntimeException e) {
                return null;
            }
        }
        return Utils.toPositive(Utils.murmur2(workflowId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** What the block runs now, as "workflowId/taskId#attempt", for heartbeats. */
    List<String> runningAttempts() {
        return List.copyOf(running.keySet());
    }

    /**
     * An attempt on its slot thread. Cancelling interrupts that thread, which is how every runner
     * already stops an app on walltime or shutdown: bash kills the process tree, python kills the
     * slot's interpreter (the slot starts a new one for its next task), java interrupts the
     * function. The lock keeps an interrupt from landing on the thread once it has moved on.
     */
    private static final class RunningAttempt {

        final TaskMessage task;
        final long startedAt;
        /** Completes when the broker has the attempt's first report, whichever that is. */
        final CompletableFuture<Object> firstReport = new CompletableFuture<>();
        private final AtomicBoolean firstReportClaimed = new AtomicBoolean();
        private Thread thread;
        private String cancelReason;
        private boolean ended;

        RunningAttempt(TaskMessage task, long startedAt) {
            this.task = task;
            this.startedAt = startedAt;
        }

        /** @return true for the one caller (the due STARTED, or the end) whose report comes first */
        boolean claimFirstReport() {
            return firstReportClaimed.compareAndSet(false, true);
        }

        void firstReportIs(CompletableFuture<?> report) {
            report.whenComplete((sent, error) -> {
                if (error != null) {
                    firstReport.completeExceptionally(error);
                } else {
                    firstReport.complete(sent);
                }
            });
        }

        synchronized void cancel(String reason) {
            if (ended || cancelReason != null) {
                return;
            }
            cancelReason = reason;
            if (thread != null) {
                thread.interrupt();
            }
        }

        /** @return false when it was cancelled before its slot thread took it: do not run it */
        synchronized boolean begin() {
            thread = Thread.currentThread();
            return cancelReason == null;
        }

        /** @return why it was cancelled, or null; clears the interrupt a cancellation left on the thread */
        synchronized String end() {
            ended = true;
            thread = null;
            if (cancelReason != null) {
                Thread.interrupted();
            }
            return cancelReason;
        }
    }

    private static String attemptKey(TaskMessage task) {
        return task.key() + "#" + task.attempt();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** Drains: running tasks finish and report (up to the shutdown timeout) before the slots close. */
    @Override
    public void close() throws InterruptedException {
        startedReports.shutdownNow(); // the ends of running tasks report all a STARTED would
        slotThreads.shutdown();
        if (!slotThreads.awaitTermination(30, TimeUnit.SECONDS)) {
            log.warn("block {} stopped with tasks still running: {}", properties.blockId(), runningAttempts());
            slotThreads.shutdownNow();
        }
        slots.close();
        closed.run();
    }
}
