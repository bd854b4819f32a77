package dev.trellis.standalone;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code trellis}: the standalone mode's command line. */
@Command(name = "trellis", mixinStandardHelpOptions = true, version = "Trellis 0.1.0",
        description = "Runs Trellis on this machine: a real Kafka broker, a real PostgreSQL and the three services in one process.",
        subcommands = {RunCommand.class, ServeCommand.class})
public class TrellisCommand {

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrellisCommand()).execute(args));
    }
}
