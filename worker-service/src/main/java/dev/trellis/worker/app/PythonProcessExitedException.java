package dev.trellis.worker.app;

/** A slot's python interpreter ended before answering a request. */
class PythonProcessExitedException extends Exception {

    PythonProcessExitedException(String message) {
        super(message);
    }
}
