package dev.trellis.worker.app;

/** A slot's bash ended before reporting a command's exit status (the command killed it, say). */
class BashProcessExitedException extends Exception {

    BashProcessExitedException(String message) {
        super(message);
    }
}
