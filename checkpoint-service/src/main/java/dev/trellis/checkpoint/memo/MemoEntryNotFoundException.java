package dev.trellis.checkpoint.memo;

/** No memo entry has the key a request named. */
public class MemoEntryNotFoundException extends RuntimeException {

    MemoEntryNotFoundException(String key) {
        super("no memo entry has the key '" + key + "'");
    }
}
