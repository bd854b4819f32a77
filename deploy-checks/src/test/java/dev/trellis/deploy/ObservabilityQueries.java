package dev.trellis.deploy;

import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Every PromQL query a deployment runs: the dashboard's panels and variables, and the alert rules. */
final class ObservabilityQueries {

    /** A query and where it comes from (a panel's title, a variable, an alert's name). */
    record Query(String source, String expression) {
    }

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\s*\\)");

    private ObservabilityQueries() {
    }

    static JsonNode dashboardJson() {
        return JsonMapper.shared().readTree(read(DeployFiles.DASHBOARD));
    }

    /** Panel targets (rows included) and query variables, Grafana's variables still in them. */
    static List<Query> dashboard() {
        JsonNode dashboard = dashboardJson();
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query("panel '" + panel.path("title").asString("") + "'", target.path("expr").asString("")));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asString("").equals("query")) {
                // label_values(m, l) lists the values of l on the series of m: the selector m{l=~".+"}.
                Matcher labelValues = LABEL_VALUES.matcher(variable.path("query").path("query").asString(""));
                if (!labelValues.matches()) {
                    throw new AssertionError("variable " + variable.path("name") + " is no label_values(metric, label) query");
                }
                queries.add(new Query("variable '" + variable.path("name").asString("") + "'",
                        labelValues.group(1) + "{" + labelValues.group(2) + "=~\".+\"}"));
            }
        }
        return queries;
    }

    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> alertRules() {
        Map<String, Object> file = new Yaml().load(read(DeployFiles.ALERT_RULES));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    static List<Query> alerts() {
        return alertRules().stream().map(rule -> new Query("alert " + rule.get("alert"), (String) rule.get("expr"))).toList();
    }

    /** The expression as Prometheus would receive it from Grafana, with sample values for its variables. */
    static String withGrafanaVariablesResolved(String expression) {
        return expression.replace("$__rate_interval", "1m").replace("$site", ".*");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
