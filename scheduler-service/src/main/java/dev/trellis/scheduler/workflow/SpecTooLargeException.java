package dev.trellis.scheduler.workflow;

/** A workflow document larger than {@code trellis.scheduler.limits.max-spec-size}. */
class SpecTooLargeException extends RuntimeException {

    SpecTooLargeException(long size, long max) {
        super("the workflow document has " + size + " bytes; the limit is " + max);
    }
}
