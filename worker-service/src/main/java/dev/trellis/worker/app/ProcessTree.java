package dev.trellis.worker.app;

import java.util.List;

/** Stops an app's process together with everything it started. */
final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * Kills the descendants first, so none is orphaned out of reach when its parent dies, then
     * the process itself. A second sweep catches children forked during the first one.
     */
    static void kill(ProcessHandle root) {
        for (int sweep = 0; sweep < 2; sweep++) {
            List<ProcessHandle> descendants = root.descendants().toList();
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
        root.destroyForcibly();
    }
}
