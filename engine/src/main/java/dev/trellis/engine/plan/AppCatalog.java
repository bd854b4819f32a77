package dev.trellis.engine.plan;

import dev.trellis.protocol.spec.AppSpec;
import dev.trellis.protocol.spec.AppType;
import dev.trellis.protocol.spec.CommandTemplate;
import dev.trellis.protocol.spec.CommandTemplate.Placeholder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** A workflow's apps, with each bash command parsed once for the checks every task needs. */
final class AppCatalog {

    private final Map<String, AppSpec> apps;
    private final Map<String, CommandNeeds> commandNeeds = new HashMap<>();

    /**
     * What a bash command asks of each task that runs it.
     *
     * @param highestInput  the {@code {inputs[N]}} with the largest N, or null
     * @param highestOutput the {@code {outputs[N]}} with the largest N, or null
     * @param argNames      every {@code {args.NAME}}, sorted
     */
    record CommandNeeds(Placeholder.Input highestInput, Placeholder.Output highestOutput, List<String> argNames) {

        static CommandNeeds of(CommandTemplate template) {
            Placeholder.Input highestInput = null;
            Placeholder.Output highestOutput = null;
            Set<String> argNames = new TreeSet<>();
            for (Placeholder placeholder : template.placeholders()) {
                if (placeholder instanceof Placeholder.Input input && (highestInput == null || input.index() > highestInput.index())) {
                    highestInput = input;
                } else if (placeholder instanceof Placeholder.Output output && (highestOutput == null || output.index() > highestOutput.index())) {
                    highestOutput = output;
                } else if (placeholder instanceof Placeholder.Arg arg) {
                    argNames.add(arg.name());
                }
            }
            return new CommandNeeds(highestInput, highestOutput, List.copyOf(argNames));
        }
    }

    private AppCatalog(Map<String, AppSpec> apps) {
        this.apps = apps;
        apps.forEach((name, app) -> {
            if (app != null && app.type() == AppType.BASH && app.command() != null) {
                commandNeeds.put(name, CommandNeeds.of(CommandTemplate.parse(app.command())));
            }
        });
    }

    /** Apps of a plan that was already validated. */
    static AppCatalog of(Map<String, AppSpec> apps) {
        return new AppCatalog(apps);
    }

    /** Validates every app, reporting each problem, and returns the catalog for planning tasks. */
    static AppCatalog checked(Map<String, AppSpec> apps, Set<String> knownSites, ProblemCollector problems) {
        apps.forEach((name, app) -> check(name, app, knownSites, problems));
        return new AppCatalog(apps);
    }

    private static void check(String name, AppSpec app, Set<String> knownSites, ProblemCollector problems) {
        String path = SpecPath.app(name);
        if (name == null || name.isBlank()) {
            problems.add(path, "invalid-value", "an app needs a non-blank name");
        }
        if (app == null) {
            problems.add(path, "missing-field", "app '" + name + "' has no definition");
            return;
        }
        if (app.type() == null) {
            problems.add(path + ".type", "missing-field", "app '" + name + "' needs a type: bash, python or java");
        } else {
            checkBody(name, app, path, problems);
        }
        List<String> sites = app.sites();
        for (int i = 0; i < sites.size(); i++) {
            if (sites.get(i) == null || !knownSites.contains(sites.get(i))) {
                problems.add(path + ".sites[" + i + "]", "unknown-site",
                        "app '" + name + "' names site '" + sites.get(i) + "'; known sites are " + new TreeSet<>(knownSites));
            }
        }
        if (app.retries() != null && app.retries() < 0) {
            problems.add(path + ".retries", "invalid-value", "retries must be 0 or more, not " + app.retries());
        }
        if (app.walltimeSeconds() != null && app.walltimeSeconds() <= 0) {
            problems.add(path + ".walltimeSeconds", "invalid-value", "walltimeSeconds must be positive, not " + app.walltimeSeconds());
        }
        checkCapturePath(name, "stdout", app.stdout(), path, problems);
        checkCapturePath(name, "stderr", app.stderr(), path, problems);
    }

    private static void checkBody(String name, AppSpec app, String path, ProblemCollector problems) {
        switch (app.type()) {
            case BASH -> requireText(app.command(), path + ".command", "bash app '" + name + "' needs a command", problems);
            case PYTHON -> requireText(app.source(), path + ".source", "python app '" + name + "' needs source", problems);
            case JAVA -> requireText(app.function(), path + ".function",
                    "java app '" + name + "' needs the name of a function registered in the workers", problems);
        }
    }

    private static void requireText(String value, String path, String message, ProblemCollector problems) {
        if (value == null || value.isBlank()) {
            problems.add(path, "missing-field", message);
        }
    }

    private static void checkCapturePath(String name, String field, String file, String path, ProblemCollector problems) {
        if (file == null) {
            return;
        }
        DataAreaPath.escape(file).ifPresent(reason -> problems.add(path + "." + field, "output-path-escapes-data-area",
                "app '" + name + "' " + field + " file '" + file + "' " + reason + "; it must stay in the task's directory"));
    }

    boolean contains(String name) {
        return apps.get(name) != null;
    }

    AppSpec app(String name) {
        return apps.get(name);
    }

    Set<String> names() {
        return new TreeSet<>(apps.keySet());
    }

    Optional<CommandNeeds> commandNeeds(String name) {
        return Optional.ofNullable(commandNeeds.get(name));
    }
}
