package dev.trellis.worker.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a {@link JavaApp} is called with.
 *
 * @param args       the task's arguments, references already replaced by values
 * @param inputs     the task's input files, absolute
 * @param outputs    the files the app must create, absolute
 * @param workingDir the task's own directory, for scratch files; it is created only when the app
 *                   asks for it through {@link #scratchDirectory()}
 */
public record JavaAppCall(Map<String, Object> args, List<Path> inputs, List<Path> outputs, Path workingDir) {

    /** The task's working directory, created now if it does not exist yet. */
    public Path scratchDirectory() throws IOException {
        return Files.createDirectories(workingDir);
    }

    /** @throws IllegalArgumentException naming the argument when the task did not pass it */
    public Object requiredArg(String name) {
        if (!args.containsKey(name)) {
            throw new IllegalArgumentException("missing argument '" + name + "'; the task passed " + args.keySet());
        }
        return args.get(name);
    }
}
