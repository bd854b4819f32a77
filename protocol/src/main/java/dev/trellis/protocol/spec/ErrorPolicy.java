package dev.trellis.protocol.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a task failure does to the rest of its workflow (Parsl's lazyErrors). */
public enum ErrorPolicy {
    LAZY("lazy"),
    FAIL_FAST("fail-fast");

    private final String wireName;

    ErrorPolicy(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ErrorPolicy fromWire(String value) {
        for (ErrorPolicy policy : values()) {
            if (policy.wireName.equalsIgnoreCase(value) || policy.name().equalsIgnoreCase(value)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("errorPolicy must be 'lazy' or 'fail-fast', not '" + value + "'");
    }
}
