package dev.trellis.checkpoint.memo;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Collects what is wrong with a request or message field by field (with its JSON path), so the
 * sender learns every problem at once rather than one per attempt.
 */
final class FieldErrors {

    private final List<String> errors = new ArrayList<>();

    void requireText(String value, String path) {
        if (value == null || value.isBlank()) {
            errors.add(path + ": required");
        }
    }

    /** @return the parsed id, or null after recording why it is not one */
    UUID uuid(String value, String path) {
        if (value == null) {
            errors.add(path + ": required");
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            errors.add(path + ": not a UUID: '" + value + "'");
            return null;
        }
    }

    void add(String path, String problem) {
        errors.add(path + ": " + problem);
    }

    int count() {
        return errors.size();
    }

    /** @throws InvalidMemoRequestException when any field was wrong */
    void throwIfAny(String summary) {
        if (!errors.isEmpty()) {
            throw new InvalidMemoRequestException(summary, List.copyOf(errors));
        }
    }
}
