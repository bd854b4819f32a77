package dev.trellis.worker.app;

import dev.trellis.protocol.WireCodec;
import dev.trellis.protocol.message.TaskMessage;
import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.AppType;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs java apps: calls the function registered under the app's name ({@code function}, else the
 * task's app name) and version, inside the worker's own process.
 */
public final class JavaAppRunner implements AppRunner {

    private final JavaAppRegistry registry;

    public JavaAppRunner(JavaAppRegistry registry) {
        this.registry = registry;
    }

    @Override
    public AppType type() {
        return AppType.JAVA;
    }

    /** A java app creates its scratch directory when it asks for it ({@link JavaAppCall#scratchDirectory()}). */
    @Override
    public boolean needsWorkingDirectory() {
        return false;
    }

    @Override
    public AppOutcome run(TaskMessage task, TaskWorkspace workspace, Slot slot) throws InterruptedException {
        AppSpec app = task.app();
        String name = app.function() != null ? app.function() : task.appName();
        String version = app.version() != null ? app.version() : JavaAppRegistry.DEFAULT_VERSION;
        JavaApp function = registry.find(name, version).orElse(null);
        if (function == null) {
            return AppOutcome.failure("no java app " + name + "@" + version
                    + " on this worker; registered: " + registry.registered());
        }
        JavaAppCall call = new JavaAppCall(task.args(), workspace.inputs(), workspace.outputs(), workspace.workingDir());
        AppOutcome outcome;
        try {
            outcome = AppOutcome.success(jsonCompatible(callWithin(function, call, app.walltimeSeconds())));
        } catch (TimeoutException e) {
            outcome = AppOutcome.walltimeExceeded(app.walltimeSeconds());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            outcome = AppOutcome.failure(e);
        }
        return outcome.withPid(ProcessHandle.current().pid());
    }

    /**
     * Calls the function on this thread, or with a walltime on a thread of its own that is
     * interrupted when the walltime passes: a JVM thread cannot be killed like a process.
     */
    private static Object callWithin(JavaApp function, JavaAppCall call, Integer walltimeSeconds) throws Exception {
        if (walltimeSeconds == null) {
            return function.apply(call);
        }
        FutureTask<Object> running = new FutureTask<>(() -> function.apply(call));
        Thread thread = new Thread(running, "java-app-" + Thread.currentThread().getName());
        thread.setDaemon(true);
        thread.start();
        try {
            return running.get(walltimeSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            running.cancel(true); // a no-op when it finished; otherwise it must stop (timeout, interrupt)
        }
    }

    /** Turns records and other objects into the maps and lists they would travel as. */
    private static Object jsonCompatible(Object value) {
        return WireCodec.convert(value, Object.class);
    }
}
