package dev.trellis.worker.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Whether a process still runs, as /proc tells it. */
public final class ProcessState {

    private ProcessState() {
    }

    /**
     * True unless the process is gone or a zombie. A killed orphan stays a zombie in containers
     * whose init never reaps, and {@link ProcessHandle#isAlive()} counts zombies as alive.
     */
    public static boolean isRunning(long pid) throws IOException {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
