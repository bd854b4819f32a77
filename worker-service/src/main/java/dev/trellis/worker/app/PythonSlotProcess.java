package dev.trellis.worker.app;

import dev.trellis.protocol.UnreadableMessageException;
import dev.trellis.protocol.WireCodec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * A slot's long-lived {@code python3 -u} running {@code trellis/python_slot_driver.py}: one JSON
 * request line in, one JSON reply line out. Living across calls is what keeps imports warm and
 * {@code os.getpid()} stable per slot, as on a Parsl worker. Used by one task at a time.
 */
final class PythonSlotProcess {

    private static final String DRIVER_RESOURCE = "/trellis/python_slot_driver.py";
    private static Path driverScript;

    private final SlotChildProcess process;

    private PythonSlotProcess(SlotChildProcess process) {
        this.process = process;
    }

    /** Starts the interpreter; its own stderr (not the apps') goes to the worker's stderr. */
    static PythonSlotProcess start(String pythonExecutable, int slotIndex) throws IOException {
        return new PythonSlotProcess(SlotChildProcess.start("python-slot-" + slotIndex + "-replies",
                pythonExecutable, "-u", driverScript().toString()));
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
        if (!process.send(WireCodec.writeString(request))) {
            throw exited();
        }
        Optional<String> reply = process.nextReply(walltimeSeconds);
        if (reply == null) {
            process.kill();
            throw new TimeoutException("no reply within " + walltimeSeconds + "s");
        }
        if (reply.isEmpty()) {
            throw exited();
        }
        try {
            return WireCodec.read(reply.get().getBytes(StandardCharsets.UTF_8), Map.class);
        } catch (UnreadableMessageException e) {
            process.kill(); // out of step with its requests: no later reply could be trusted
            throw e;
        }
    }

    /** Kills the interpreter and whatever the current app started, and waits until it is gone. */
    void kill() {
        process.kill();
    }

    private PythonProcessExitedException exited() throws InterruptedException {
        return new PythonProcessExitedException("python3 (pid " + process.pid() + ") exited with code "
                + process.exitCode() + " during the call; the slot starts a new interpreter for its next task");
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
