package dev.trellis.worker.app;

/**
 * A java function app, registered in the worker under a name and version
 * ({@link JavaAppRegistry}). It should return JSON-compatible data; other objects are converted
 * the way Jackson would write them (a record becomes a map). Walltime interrupts the thread, so a
 * long-running app should respond to interrupts.
 */
@FunctionalInterface
public interface JavaApp {

    Object apply(JavaAppCall call) throws Exception;
}
