package dev.trellis.checkpoint.memo;

import java.util.List;

/** A memo request or store batch with missing or malformed fields; {@link #errors()} names each one. */
public class InvalidMemoRequestException extends RuntimeException {

    private final List<String> errors;

    InvalidMemoRequestException(String summary, List<String> errors) {
        super(errors.isEmpty() ? summary : summary + ": " + String.join("; ", errors));
        this.errors = errors;
    }

    public List<String> errors() {
        return errors;
    }
}
