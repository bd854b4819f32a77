package dev.trellis.worker.app;

import dev.trellis.protocol.UnreadableMessageException;
import dev.trellis.protocol.WireCodec;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A slot's long-lived {@code python3 -u} running {@code trellis/python_slot_driver.py}: one JSON
 * request line in, one JSON reply line out. Living across calls is what keeps imports warm and
 * {@code os.getpid()} stable per slot, as on a Parsl worker. Used by one task at a time.
 */
final class PythonSlotProcess {

    private static final String DRIVER_RESOURCE = "/trellis/python_slot_driver.py";
    private static Path driverScript;

    private final Process process;
    private final BufferedWriter requests;
    /** Reply lines in arrival order; an empty Optional marks the end of the process's stdout. */
    private final BlockingQueue<Optional<String>> replies = new LinkedBlockingQueue<>();

    private PythonSlotProcess(Process process, int slotIndex) {
        this.process = process;
        this.requests = process.outputWriter(StandardCharsets.UTF_8);
        // a reader thread lets a call wait for a reply with a timeout, which a blocking read cannot
        Thread reader = new Thread(this::readReplies, "python-slot-" + slotIndex + "-replies");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the interpreter; its own stderr (not the apps') goes to the worker's stderr. */
    static PythonSlotProcess start(String pythonExecutable, int slotIndex) throws IOException {
        Process process = new ProcessBuilder(pythonExecutable, "-u", driverScript().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        return new PythonSlotProcess(process, slotIndex);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends one request and waits for its reply. The interpreter is killed when the walltime
     * passes or the waiting thread is interrupted: it is then mid-call, unusable for the next task.
     *
     * @param walltimeSeconds how long to wait for the reply; null waits as long as the call takes
     * @throws TimeoutException              when the walltime passed first
     * @throws PythonProcessExitedException  when the interpreter ended without replying
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> call(Map<String, Object> request, Integer walltimeSeconds)
            throws TimeoutException, PythonProcessExitedException, InterruptedException {
        try {
            requests.write(WireCodec.writeString(request));
            requests.newLine();
            requests.flush();
        } catch (IOException e) {
            throw exited();
        }
        Optional<String> reply;
        try {
            reply = walltimeSeconds == null ? replies.take() : replies.poll(walltimeSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            kill();
            throw e;
        }
        if (reply == null) {
            kill();
            throw new TimeoutException("no reply within " + walltimeSeconds + "s");
        }
        if (reply.isEmpty()) {
            throw exited();
        }
        try {
            return WireCodec.read(reply.get().getBytes(StandardCharsets.UTF_8), Map.class);
        } catch (UnreadableMessageException e) {
            kill(); // out of step with its requests: no later reply could be trusted
            throw e;
        }
    }

    /** Kills the interpreter and whatever the current app started, and waits until it is gone. */
    void kill() {
        ProcessTree.kill(process.toHandle());
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    private PythonProcessExitedException exited() throws InterruptedException {
        // the pipe closes an instant before the process is reaped
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            kill();
        }
        return new PythonProcessExitedException("python3 (pid " + process.pid() + ") exited with code "
                + process.exitValue() + " during the call; the slot starts a new interpreter for its next task");
    }

    /** The driver, copied out of the jar once per worker so python can run it as a file. */
    private static synchronized Path driverScript() throws IOException {
        if (driverScript == null) {
            Path script = Files.createTempFile("trellis-python-slot-driver-", ".py");
            script.toFile().deleteOnExit();
            try (InputStream resource = PythonSlotProcess.class.getResourceAsStream(DRIVER_RESOURCE)) {
                if (resource == null) {
                    throw new IllegalStateException(DRIVER_RESOURCE + " is missing from the worker's classpath");
                }
                Files.copy(resource, script, StandardCopyOption.REPLACE_EXISTING);
            }
            driverScript = script;
        }
        return driverScript;
    }
}
