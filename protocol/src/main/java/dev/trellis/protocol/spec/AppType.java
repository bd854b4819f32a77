package dev.trellis.protocol.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a worker runs an app. */
public enum AppType {
    /** A command template rendered over inputs, outputs and args, run by bash. */
    BASH,
    /** Python source; the named function is called in a long-lived python3 process per slot. */
    PYTHON,
    /** A function registered in the worker under a name and version. */
    JAVA;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static AppType fromWire(String value) {
        for (AppType type : values()) {
            if (type.name().equalsIgnoreCase(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("app type must be bash, python or java, not '" + value + "'");
    }
}
