package dev.trellis.standalone;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code trellis serve}: start the stack and keep it up for REST clients until interrupted. */
@Command(name = "serve", description = "Start the stack and serve the REST API until Ctrl-C; data survives restarts.")
class ServeCommand implements Callable<Integer> {

    @Mixin
    StackOptions options;

    @Override
    public Integer call() throws InterruptedException {
        StandaloneStack stack = StandaloneStack.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Trellis...");
            stack.close();
            stopped.countDown();
        }, "trellis-stop"));
        System.out.println(stack.startupReport());
        stopped.await();
        return 0;
    }
}
