package dev.trellis.checkpoint.checkpoint;

/** No checkpoint has the id a request named. */
public class CheckpointNotFoundException extends RuntimeException {

    CheckpointNotFoundException(String id) {
        super("no checkpoint has the id '" + id + "'");
    }
}
