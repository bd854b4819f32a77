package dev.trellis.scheduler.workflow;

/** A request parameter whose value cannot be used. */
class InvalidParameterException extends RuntimeException {

    InvalidParameterException(String name, Object value, String expected) {
        super("parameter '" + name + "' must be " + expected + ", not '" + value + "'");
    }
}
