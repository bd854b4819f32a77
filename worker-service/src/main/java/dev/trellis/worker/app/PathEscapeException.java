package dev.trellis.worker.app;

import java.nio.file.Path;

/** A path in a task message points outside the directory it must stay in. */
public class PathEscapeException extends IllegalArgumentException {

    public PathEscapeException(String path, Path boundary) {
        super("path '" + path + "' escapes " + boundary);
    }
}
