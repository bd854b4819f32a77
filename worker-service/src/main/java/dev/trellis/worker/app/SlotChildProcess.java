package dev.trellis.worker.app;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A slot's long-lived child process (an interpreter, a shell) spoken to in lines: requests on
 * its stdin, replies on its stdout. A reader thread queues the replies, so a caller can wait for
 * one with a timeout, which a blocking read cannot.
 */
final class SlotChildProcess {

    private final Process process;
    private final BufferedWriter requests;
    /** Reply lines in arrival order; an empty Optional marks the end of the process's stdout. */
    private final BlockingQueue<Optional<String>> replies = new LinkedBlockingQueue<>();

    private SlotChildProcess(Process process, String readerName) {
        this.process = process;
        this.requests = process.outputWriter(StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readReplies, readerName);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the process; its own stderr (not its apps') goes to the worker's stderr. */
    static SlotChildProcess start(String readerName, String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new SlotChildProcess(process, readerName);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Writes the request and a newline. @return false when the process no longer reads its stdin */
    boolean send(String request) {
        try {
            requests.write(request);
            requests.newLine();
            requests.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The next reply line. The process is killed when the wait is interrupted: it is then
     * mid-request, unusable for the next one.
     *
     * @param timeoutSeconds null waits as long as it takes
     * @return null when the timeout passed first; an empty Optional when the process's stdout ended
     */
    Optional<String> nextReply(Integer timeoutSeconds) throws InterruptedException {
        try {
            return timeoutSeconds == null ? replies.take() : replies.poll(timeoutSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            kill();
            throw e;
        }
    }

    /** Kills the process and whatever it started, and waits until it is gone. */
    void kill() {
        ProcessTree.kill(process.toHandle());
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The exit code of a process whose stdout ended; killed if it has not exited within 5 seconds. */
    int exitCode() throws InterruptedException {
        // the pipe closes an instant before the process is reaped
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            kill();
        }
        return process.exitValue();
    }

    private void readReplies() {
        try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                replies.add(Optional.of(line));
            }
        } catch (IOException e) {
            // the stream broke because the process died: the same as its end
        }
        replies.add(Optional.empty());
    }
}
