package dev.trellis.protocol.message;

import java.nio.charset.StandardCharsets;

/**
 * What a record on the control topic holds, named in its {@link #HEADER} header. A record without
 * the header is a cancellation (what the topic carried before drains).
 */
public enum ControlMessageType {
    /** A {@link CancelMessage}, for every block. */
    CANCEL,
    /** A {@link DrainMessage}, for the one block it names. */
    DRAIN;

    public static final String HEADER = "trellis-control-type";

    public byte[] headerValue() {
        return name().getBytes(StandardCharsets.UTF_8);
    }

    /** The type named by a header value; null (no header) means a cancellation. */
    public static ControlMessageType fromHeader(byte[] value) {
        return value == null ? CANCEL : valueOf(new String(value, StandardCharsets.UTF_8));
    }
}
