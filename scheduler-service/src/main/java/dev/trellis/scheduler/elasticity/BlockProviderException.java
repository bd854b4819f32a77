package dev.trellis.scheduler.elasticity;

/** A provider could not start or stop a block. */
public class BlockProviderException extends RuntimeException {

    public BlockProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
