package dev.trellis.worker.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The end of an app's captured stdout or stderr: enough for a quick look in a result message
 * (the last {@value #MAX_LINES} lines, at most {@value #MAX_BYTES} bytes) without opening the file.
 */
final class OutputTail {

    static final int MAX_LINES = 20;
    static final int MAX_BYTES = 4096;

    private OutputTail() {
    }

    /** The tail of the file, or "" when the app never created it. */
    static String of(Path file) {
        try {
            if (Files.size(file) == 0) {
                return ""; // most tasks' stderr: one stat instead of an open, a read and a close
            }
            try (SeekableByteChannel channel = Files.newByteChannel(file)) {
                long size = channel.size();
                int length = (int) Math.min(size, MAX_BYTES);
                ByteBuffer bytes = ByteBuffer.allocate(length);
                channel.position(size - length);
                while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                    // read until full: a regular file delivers everything up to its size
                }
                String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
                boolean cutMidFile = length < size;
                return lastLines(text, cutMidFile);
            }
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String lastLines(String text, boolean startsMidLine) {
        String[] lines = text.stripTrailing().split("\n", -1);
        // a line cut by the byte limit would be misleading, unless it is all there is
        int from = startsMidLine && lines.length > 1 ? 1 : 0;
        from = Math.max(from, lines.length - MAX_LINES);
        return String.join("\n", Arrays.copyOfRange(lines, from, lines.length));
    }
}
