package dev.trellis.protocol;

/** Bytes or text that are not a valid wire record or spec; the message says where and why. */
public class UnreadableMessageException extends RuntimeException {

    public UnreadableMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
