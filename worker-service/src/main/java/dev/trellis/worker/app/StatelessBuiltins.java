package dev.trellis.worker.app;

import java.util.Set;

/**
 * Tells whether a rendered bash command is made only of builtins that cannot change the shell
 * running them ({@code echo}, {@code true}, {@code false}, {@code :}) with plain words and
 * redirections: such a command can run in the slot's shell itself,
 * without the subshell fork that costs several milliseconds of CPU on a VM, and still leave nothing
 * behind for the next task. Anything it is unsure of (expansions that can assign, groups, pipes,
 * background jobs, here-documents, any other command) answers false: the subshell is always correct.
 */
final class StatelessBuiltins {

    /** Not printf: {@code -v} assigns, and an unquoted expansion can supply it. */
    private static final Set<String> BUILTINS = Set.of("echo", "true", "false", ":");

    private StatelessBuiltins() {
    }

    static boolean only(String command) {
        Scan scan = new Scan();
        int i = 0;
        int n = command.length();
        while (i < n) {
            char c = command.charAt(i);
            if (c == '\\') {
                if (i + 1 < n && command.charAt(i + 1) == '\n') {
                    return false; // a line continuation: keep the word rules simple
                }
                scan.wordChar('\\');
                if (i + 1 < n) {
                    scan.wordChar(command.charAt(i + 1));
                }
                i += 2;
            } else if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                if (end < 0) {
                    return false; // unterminated: let bash report it
                }
                scan.quoted(command, i, end + 1);
                i = end + 1;
            } else if (c == '"') {
                int end = endOfDoubleQuotes(command, i + 1);
                if (end < 0 || unsafeExpansion(command, i + 1, end)) {
                    return false;
                }
                scan.quoted(command, i, end + 1);
                i = end + 1;
            } else if (c == '$') {
                if (opensExpansion(command, i, n)) {
                    return false;
                }
                scan.wordChar(c);
                i++;
            } else if (c == ';' || c == '\n') {
                if (!scan.endCommand()) {
                    return false;
                }
                i++;
            } else if ((c == '&' || c == '|') && i + 1 < n && command.charAt(i + 1) == c) {
                if (!scan.endCommand()) {
                    return false;
                }
                i += 2;
            } else if (c == '>' || c == '<') {
                int end = i + 1;
                if (c == '<' && end < n && command.charAt(end) == '<') {
                    return false; // a here-document or here-string
                }
                if (end < n && (command.charAt(end) == '>' || command.charAt(end) == '&' || command.charAt(end) == '|')) {
                    end++;
                }
                if (end < n && command.charAt(end) == '(') {
                    return false; // process substitution
                }
                if (!scan.redirection()) {
                    return false;
                }
                i = end;
            } else if (c == '&' && i + 1 < n && command.charAt(i + 1) == '>') {
                if (!scan.redirection()) {
                    return false;
                }
                i += command.startsWith("&>>", i) ? 3 : 2;
            } else if ("|&(){}`".indexOf(c) >= 0) {
                return false; // pipes, background jobs, groups, subshells, command substitution
            } else if (c == '#' && !scan.inWord()) {
                return false; // a comment could hide anything from this scan
            } else if (c == ' ' || c == '\t') {
                scan.endWord();
                i++;
            } else {
                scan.wordChar(c);
                i++;
            }
        }
        return scan.endCommand() && scan.sawCommand;
    }

    /** The index of the closing double quote, or -1. */
    private static int endOfDoubleQuotes(String command, int from) {
        for (int i = from; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    private static boolean unsafeExpansion(String command, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = command.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '`' || (c == '$' && opensExpansion(command, i, to))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the {@code $} at {@code dollar} opens $( ), $(( )), $[ ] or ${ }, which can run commands or assign. */
    private static boolean opensExpansion(String command, int dollar, int end) {
        return dollar + 1 < end && "([{".indexOf(command.charAt(dollar + 1)) >= 0;
    }

    /** Words of the current simple command: the first must be a stateless builtin. */
    private static final class Scan {
        private final StringBuilder word = new StringBuilder();
        private boolean wordStarted;
        private boolean quotedWord;
        private int words;
        private String name;
        private boolean redirectionTarget;
        private boolean sawCommand;

        boolean inWord() {
            return wordStarted;
        }

        void wordChar(char c) {
            word.append(c);
            wordStarted = true;
        }

        void quoted(String command, int from, int to) {
            word.append(command, from, to);
            wordStarted = true;
            quotedWord = true;
        }

        /** A redirection operator: it must follow a command name, and takes the next word as its target. */
        boolean redirection() {
            if (wordStarted && !quotedWord && word.chars().allMatch(Character::isDigit)) {
                word.setLength(0); // the file descriptor it redirects, as in 2>&1
                wordStarted = false;
            }
            endWord();
            if (words == 0 || redirectionTarget) {
                return false;
            }
            redirectionTarget = true;
            return true;
        }

        void endWord() {
            if (!wordStarted) {
                return;
            }
            String text = word.toString();
            if (redirectionTarget) {
                redirectionTarget = false;
            } else {
                if (words == 0) {
                    name = quotedWord ? null : text;
                }
                words++;
            }
            word.setLength(0);
            wordStarted = false;
            quotedWord = false;
        }

        /** Ends a simple command; false when it is not one that may run in the slot's shell. */
        boolean endCommand() {
            endWord();
            if (redirectionTarget) {
                return false;
            }
            if (words == 0) {
                return true; // an empty command, as after a trailing ';'
            }
            boolean stateless = name != null && BUILTINS.contains(name);
            sawCommand = true;
            words = 0;
            name = null;
            return stateless;
        }
    }
}
