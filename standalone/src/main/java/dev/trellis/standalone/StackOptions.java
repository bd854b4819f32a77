package dev.trellis.standalone;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where the standalone stack keeps its data and which ports and sites it uses. */
public class StackOptions {

    /** The options from command-line arguments, e.g. {@code "--home", dir, "--http-port", "18080"}. */
    public static StackOptions parse(String... args) {
        StackOptions options = new StackOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Option(names = "--home", defaultValue = "${TRELLIS_HOME:-./.trellis}",
            description = "Directory for the database, the broker's log and workflow files; kept between runs (default: ${DEFAULT-VALUE}).")
    Path home;

    @Option(names = "--http-port", defaultValue = "8080", description = "Port of the scheduler's REST API (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--checkpoint-port", defaultValue = "8082", description = "Port of the checkpoint-service (default: ${DEFAULT-VALUE}).")
    int checkpointPort;

    @Option(names = "--kafka-port", defaultValue = "19092", description = "Loopback port of the Kafka broker (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--postgres-port", defaultValue = "15432", description = "Loopback port of PostgreSQL (default: ${DEFAULT-VALUE}).")
    int postgresPort;

    @Option(names = "--site", paramLabel = "NAME:SLOTS",
            description = "A site and the slots of its one block; repeat for more (default: threads:4 and pilot:2, the seed's two sites).")
    List<String> sites = new ArrayList<>();

    @Option(names = "--elastic-site", paramLabel = "NAME:SLOTS:MAX_BLOCKS[:PARALLELISM]",
            description = "A site whose blocks the scheduler starts and stops as worker processes (the local provider), "
                    + "each with SLOTS slots, at most MAX_BLOCKS at once; repeat for more (default: elastic:1:10:0.1, the seed's "
                    + "elasticity section).")
    List<String> elasticSites = new ArrayList<>();

    @Option(names = "--max-idle-time", defaultValue = "30s",
            description = "How long an elastic site's block may be idle before it is drained and stopped (default: ${DEFAULT-VALUE}).")
    String maxIdleTime;

    List<ElasticSiteSpec> elasticSiteSpecs() {
        if (elasticSites.isEmpty()) {
            return List.of(new ElasticSiteSpec("elastic", 1, 10, 0.1));
        }
        return elasticSites.stream().map(ElasticSiteSpec::parse).toList();
    }

    record ElasticSiteSpec(String name, int slots, int maxBlocks, double parallelism) {
        static ElasticSiteSpec parse(String text) {
            String[] parts = text.split(":");
            if (parts.length < 3 || parts.length > 4 || parts[0].isBlank()) {
                throw new IllegalArgumentException(
                        "--elastic-site takes NAME:SLOTS:MAX_BLOCKS[:PARALLELISM], e.g. elastic:1:10:0.1, not '" + text + "'");
            }
            try {
                return new ElasticSiteSpec(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                        parts.length == 4 ? Double.parseDouble(parts[3]) : 1.0);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--elastic-site " + text + ": SLOTS, MAX_BLOCKS and PARALLELISM must be numbers", e);
            }
        }
    }

    List<SiteSpec> siteSpecs() {
        if (sites.isEmpty()) {
            return List.of(new SiteSpec("threads", 4), new SiteSpec("pilot", 2));
        }
        return sites.stream().map(SiteSpec::parse).toList();
    }

    record SiteSpec(String name, int slots) {
        static SiteSpec parse(String text) {
            String[] parts = text.split(":", 2);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("--site takes NAME:SLOTS, e.g. threads:4, not '" + text + "'");
            }
            try {
                return new SiteSpec(parts[0], Integer.parseInt(parts[1]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--site " + text + ": SLOTS must be a number", e);
            }
        }
    }
}
