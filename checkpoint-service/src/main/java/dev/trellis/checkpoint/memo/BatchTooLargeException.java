package dev.trellis.checkpoint.memo;

/** A lookup or store request carrying more keys than {@code trellis.checkpoint.max-batch-size}. */
public class BatchTooLargeException extends RuntimeException {

    BatchTooLargeException(int size, int max) {
        super("a batch may hold at most " + max + " entries, this one has " + size);
    }
}
