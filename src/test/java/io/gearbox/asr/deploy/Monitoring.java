package io.gearbox.asr.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The monitoring files under {@code deploy/} (paths relative to the repository root, where Maven runs the tests)
 * and the PromQL expressions they hold.
 */
final class Monitoring {

    static final Path RULES = Path.of("deploy/prometheus/rules/gearbox-asr.yml");

    static final Path RULE_TESTS = Path.of("deploy/prometheus/tests/gearbox-asr-test.yml");

    static final Path DASHBOARD = Path.of("deploy/grafana/dashboards/gearbox-asr.json");

    static final Path DATASOURCES = Path.of("deploy/grafana/provisioning/datasources/prometheus.yml");

    static final Path DASHBOARD_PROVIDERS = Path.of("deploy/grafana/provisioning/dashboards/gearbox-asr.yml");

    /** The scrape job the rules select ({@code up{job="gearbox-asr"}}). */
    static final String JOB = "gearbox-asr";

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*[a-zA-Z_]\\w*\\)");

    private Monitoring() {
    }

    /** One rule of the rules file: {@code alert} or {@code record} and its fields as written. */
    record Rule(String group, String name, boolean alert, String expr, Map<String, Object> fields) {

        @SuppressWarnings("unchecked")
        Map<String, String> labels() {
            return (Map<String, String>) this.fields.getOrDefault("labels", Map.of());
        }

        @SuppressWarnings("unchecked")
        Map<String, String> annotations() {
            return (Map<String, String>) this.fields.getOrDefault("annotations", Map.of());
        }

    }

    /** A PromQL expression and where it comes from, for messages. */
    record Expression(String origin, String promql) {
    }

    @SuppressWarnings("unchecked")
    static List<Rule> rules() {
        Map<String, Object> file = (Map<String, Object>) yaml(RULES);
        List<Rule> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                boolean alert = rule.containsKey("alert");
                rules.add(new Rule((String) group.get("name"), (String) rule.get(alert ? "alert" : "record"), alert,
                        (String) rule.get("expr"), rule));
            }
        }
        return rules;
    }

    static JsonNode dashboard() {
        return JsonMapper.builder().build().readTree(read(DASHBOARD));
    }

    /** Every panel that is not a row, rows' nested panels included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if ("row".equals(panel.path("type").asText())) {
                panel.path("panels").forEach(panels::add);
            }
            else {
                panels.add(panel);
            }
        }
        return panels;
    }

    /**
     * Every query of the dashboard as written: the panels' targets, the annotations' and the template variables'
     * (a variable's {@code label_values(selector, label)} as its selector, which Grafana runs as a series query).
     */
    static List<Expression> dashboardExpressions(JsonNode dashboard) {
        List<Expression> expressions = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(new Expression("panel \"" + panel.path("title").asText() + "\" "
                        + target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        for (JsonNode annotation : dashboard.path("annotations").path("list")) {
            expressions.add(new Expression("annotation \"" + annotation.path("name").asText() + "\"",
                    annotation.path("expr").asText()));
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                Matcher query = LABEL_VALUES.matcher(variable.path("query").path("query").asText());
                if (!query.matches()) {
                    throw new IllegalStateException("variable " + variable.path("name") + " is not label_values(...)");
                }
                expressions.add(new Expression("variable " + variable.path("name").asText(), query.group(1)));
            }
        }
        return expressions;
    }

    static Object yaml(Path file) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(read(file));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
