package dev.trellis.worker.app;

import java.io.Closeable;
import java.io.IOException;

/**
 * One execution slot of a block: runs one task at a time and owns what should outlive a task,
 * a long-lived python interpreter and a long-lived bash, each started on first use and replaced
 * when it has died or was killed (walltime). Closing the slot stops them.
 */
public final class Slot implements Closeable {

    public static final String DEFAULT_PYTHON = "python3";

    private final int index;
    private final String pythonExecutable;
    private PythonSlotProcess python;
    private BashSlotProcess bash;
    private boolean closed;

    public Slot(int index) {
        this(index, DEFAULT_PYTHON);
    }

    /** @param pythonExecutable the interpreter to start, a name on the PATH or an absolute path */
    public Slot(int index, String pythonExecutable) {
        this.index = index;
        this.pythonExecutable = pythonExecutable;
    }

    public int index() {
        return index;
    }

    /** The slot's live interpreter, started now if there is none. */
    synchronized PythonSlotProcess python() throws IOException {
        requireOpen();
        if (python == null || !python.isAlive()) {
            python = PythonSlotProcess.start(pythonExecutable, index);
        }
        return python;
    }

    /** The slot's live bash, started now if there is none. */
    synchronized BashSlotProcess bash() throws IOException {
        requireOpen();
        if (bash == null || !bash.isAlive()) {
            bash = BashSlotProcess.start(index);
        }
        return bash;
    }

    /** Kills the interpreter and the shell, even mid-task: the block is going away. */
    @Override
    public synchronized void close() {
        closed = true;
        if (python != null) {
            python.kill();
            python = null;
        }
        if (bash != null) {
            bash.kill();
            bash = null;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("slot " + index + " is closed");
        }
    }

    @Override
    public String toString() {
        return "slot " + index;
    }
}
