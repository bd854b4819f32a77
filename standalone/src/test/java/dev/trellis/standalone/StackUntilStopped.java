package dev.trellis.standalone;

/** A stack in a JVM of its own, for tests that stop that JVM as a user or a service manager would. */
final class StackUntilStopped {

    private StackUntilStopped() {
    }

    public static void main(String[] args) throws InterruptedException {
        StandaloneStack stack = StandaloneStack.start(StackOptions.parse(args));
        System.out.println(stack.startupReport());
        Thread.sleep(Long.MAX_VALUE);
    }
}
