package dev.trellis.worker.app;

import dev.trellis.protocol.spec.CommandTemplate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    /**
     * The shell's first and only line read from its pipe the usual way; from then on it reads each
     * script as its size in bytes and that many bytes. Bash reads a script from a pipe one byte per
     * system call (it may not read past a line a command could want); {@code read -N} reads the
     * whole script in one (LC_ALL=C makes -N count bytes, for that read alone). That halved bash's
     * CPU per task (0.61 to 0.33 ms for an echo).
     */
    private static final String READ_LOOP = "while IFS= read -r trellis_script_bytes && IFS= LC_ALL=C read -r -N \"$trellis_script_bytes\" trellis_script;"
            + " do eval \"$trellis_script\"; done";

    private final SlotChildProcess shell;

    private BashSlotProcess(SlotChildProcess shell) {
        this.shell = shell;
    }

    static BashSlotProcess start(int slotIndex) throws IOException {
        SlotChildProcess shell = SlotChildProcess.start("bash-slot-" + slotIndex + "-replies", "bash", "--noprofile", "--norc");
        if (!shell.send(READ_LOOP)) {
            shell.kill();
            throw new IOException("the slot's bash (pid " + shell.pid() + ") exited before it read its first line");
        }
        return new BashSlotProcess(shell);
    }

    long pid() {
        return shell.pid();
    }

    boolean isAlive() {
        return shell.isAlive();
    }

    /**
     * Runs a command in its working directory with stdin at end of file (it must not read the
     * shell's own input; the builtins run in the shell itself never read it) and stdout and stderr
     * written to the files, like {@code bash -c}.
     *
     * @param walltimeSeconds null waits as long as the command takes
     * @return its exit code; empty when the walltime passed first, in which case the shell and
     *         everything it started have been killed (as on an interrupt)
     * @throws BashProcessExitedException when the shell itself ended during the command
     */
    OptionalInt run(String command, Path workingDir, Path stdout, Path stderr, Integer walltimeSeconds)
            throws BashProcessExitedException, InterruptedException {
        String errors = stderr.equals(stdout) ? "2>&1" : "2>" + CommandTemplate.quote(stderr.toString());
        String streams = ">" + CommandTemplate.quote(stdout.toString()) + " " + errors;
        String enterDir = "cd -- " + CommandTemplate.quote(workingDir.toString());
        boolean inThisShell = StatelessBuiltins.only(command);
        String script = inThisShell
                // No fork: the command cannot change this shell, and the group's redirections end with
                // it. Nor stdin: these builtins never read it.
                ? "{ " + enterDir + " && eval " + CommandTemplate.quote(command) + "\n} " + streams
                        + "; printf '" + EXIT_LINE + "%d\\n' \"$?\""
                : "( echo " + STARTED_LINE + "\n"
                        + "exec </dev/null " + streams + " || exit 126\n"
                        + enterDir + " || exit 1\n"
                        + "eval " + CommandTemplate.quote(command) + "\n"
                        + "); printf '" + EXIT_LINE + "%d\\n' \"$?\"";
        // The script's size in bytes, with the newline send() adds: read -N takes exactly that much.
        if (!shell.send((script.getBytes(StandardCharsets.UTF_8).length + 1) + "\n" + script)) {
            throw exited();
        }
        if (!inThisShell) {
            // The walltime starts once the subshell runs: killed earlier, the shell could fork it a moment after the kill.
            reply(STARTED_LINE, null);
        }
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
