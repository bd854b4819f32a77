package dev.trellis.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How fast this machine's file system creates the files a bash echo task gets: its directory, its
 * stdout and stderr files and its one output, four new inodes, on one thread. Measured in the
 * stack's data area just before the bash scenario, it is that scenario's limit: on ext4 without a
 * journal (this box's root), the inode allocator passes over every inode freed in the last minute
 * (the last six while its inode-table block is unwritten), so creating files right after a large
 * tree was deleted costs several times more, and bash tasks are slow for as long.
 */
final class TaskFilesProbe {

    /** What each workspace holds, as {@code echo hi > {outputs[0]}} leaves it. */
    static final List<String> FILES = List.of("stdout.txt", "stderr.txt", "hi.txt");

    private TaskFilesProbe() {
    }

    /**
     * Creates {@code workspaces} task workspaces in a new directory under {@code dataArea} and
     * returns how many a second. They stay: deleting them would slow the very file creation that
     * follows (the stack's home goes when the run ends).
     */
    static double workspacesPerSecond(Path dataArea, int workspaces) throws IOException {
        Path probe = Files.createDirectories(dataArea).resolve("task-files-probe-" + System.nanoTime());
        Files.createDirectory(probe);
        long began = System.nanoTime();
        for (int i = 0; i < workspaces; i++) {
            Path workspace = Files.createDirectory(probe.resolve("task-" + i));
            for (String file : FILES) {
                Files.createFile(workspace.resolve(file));
            }
        }
        return workspaces / ((System.nanoTime() - began) / 1e9);
    }
}
