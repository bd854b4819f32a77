package dev.trellis.worker.app;

import dev.trellis.protocol.spec.CommandTemplate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A slot's long-lived {@code bash} that runs bash apps, each command in a subshell of its own:
 * forking the running shell costs a fraction of starting {@code bash -c} from Java, and the
 * subshell keeps each task's directory, variables, options, traps and {@code exit} to itself, so
 * nothing one task does reaches the next. A command of {@link StatelessBuiltins} alone (the
 * tutorial's {@code echo hi > {outputs[0]}}) runs in the shell itself: it has nothing to keep.
 * Every app sees this shell's pid as {@code $$}, as a python app sees its slot's interpreter. Used
 * by one task at a time.
 */
final class BashSlotProcess {

    /** The line the subshell prints first: from then on it is a child of the shell that a kill finds. */
    private static final String STARTED_LINE = "trellis-started";
    /** The line the shell prints after each command, with the subshell's exit status. */
    private static final String EXIT_LINE = "trellis-exit ";

    private final SlotChildProcess shell;

    private BashSlotProcess(SlotChildProcess shell) {
        this.shell = shell;
    }

    static BashSlotProcess start(int slotIndex) throws IOException {
        return new BashSlotProcess(SlotChildProcess.start("bash-slot-" + slotIndex + "-replies", "bash", "--noprofile", "--norc"));
    }

    long pid() {
        return shell.pid();
    }

    boolean isAlive() {
        return shell.isAlive();
    }

    /**
     * Runs a command in its working directory with stdin at end of file (it must not read the
     * shell's own input) and stdout and stderr written to the files, like {@code bash -c}.
     *
     * @param walltimeSeconds null waits as long as the command takes
     * @return its exit code; empty when the walltime passed first, in which case the shell and
     *         everything it started have been killed (as on an interrupt)
     * @throws BashProcessExitedException when the shell itself ended during the command
     */
    OptionalInt run(String command, Path workingDir, Path stdout, Path stderr, Integer walltimeSeconds)
            throws BashProcessExitedException, InterruptedException {
        String errors = stderr.equals(stdout) ? "2>&1" : "2>" + CommandTemplate.quote(stderr.toString());
        String streams = "</dev/null >" + CommandTemplate.quote(stdout.toString()) + " " + errors;
        String enterDir = "cd -- " + CommandTemplate.quote(workingDir.toString());
        String script = StatelessBuiltins.only(command)
                // No fork: the command cannot change this shell, and the group's redirections end with it.
                ? "echo " + STARTED_LINE + "\n"
                        + "{ " + enterDir + " && eval " + CommandTemplate.quote(command) + "\n} " + streams
                        + "; printf '" + EXIT_LINE + "%d\\n' \"$?\""
                : "( echo " + STARTED_LINE + "\n"
                        + "exec " + streams + " || exit 126\n"
                        + enterDir + " || exit 1\n"
                        + "eval " + CommandTemplate.quote(command) + "\n"
                        + "); printf '" + EXIT_LINE + "%d\\n' \"$?\"";
        if (!shell.send(script)) {
            throw exited();
        }
        // The walltime starts once the subshell runs: killed earlier, the shell could fork it a moment after the kill.
        reply(STARTED_LINE, null);
        String exit = reply(EXIT_LINE, walltimeSeconds);
        if (exit == null) {
            shell.kill();
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(exit.substring(EXIT_LINE.length())));
    }

    /** The next reply, which must start with {@code prefix}; null when the timeout passed first. */
    private String reply(String prefix, Integer timeoutSeconds) throws BashProcessExitedException, InterruptedException {
        Optional<String> reply = shell.nextReply(timeoutSeconds);
        if (reply == null) {
            return null;
        }
        if (reply.isEmpty() || !reply.get().startsWith(prefix)) {
            shell.kill(); // ended, or out of step with its commands: no later reply could be trusted
            throw exited();
        }
        return reply.get();
    }

    /** Kills the shell and whatever the current command started, and waits until it is gone. */
    void kill() {
        shell.kill();
    }

    private BashProcessExitedException exited() throws InterruptedException {
        return new BashProcessExitedException("the slot's bash (pid " + shell.pid() + ") exited with code "
                + shell.exitCode() + " during the command; the slot starts a new one for its next task");
    }
}
