package io.gearbox.asr.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import io.gearbox.asr.deploy.Monitoring.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Prometheus rules ({@code deploy/prometheus/rules/gearbox-asr.yml}): valid for {@code promtool}, passing their
 * unit tests ({@code deploy/prometheus/tests/gearbox-asr-test.yml}), and every alert ready for an on-call reader.
 */
class PrometheusRulesTests {

    private static final Path OPERATIONS = Path.of("docs/operations.md");

    @Test
    @EnabledIf(value = "io.gearbox.asr.deploy.Executables#promtoolIsInstalled",
            disabledReason = "promtool is not installed (Debian package prometheus)")
    void promtoolAcceptsTheRules() {
        Executables.Result result = Executables.run(Executables.find("promtool").orElseThrow(), 60, "check", "rules",
                Monitoring.RULES.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    @EnabledIf(value = "io.gearbox.asr.deploy.Executables#promtoolIsInstalled",
            disabledReason = "promtool is not installed (Debian package prometheus)")
    void everyAlertFiresAndStaysQuietInTheRuleUnitTests() {
        Executables.Result result = Executables.run(Executables.find("promtool").orElseThrow(), 120, "test", "rules",
                Monitoring.RULE_TESTS.toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAUnitTestCase() {
        String tests = Monitoring.read(Monitoring.RULE_TESTS);

        assertThat(alerts()).isNotEmpty().allSatisfy((alert) -> assertThat(tests)
            .as("a test case for %s", alert.name()).contains("alertname: " + alert.name()));
    }

    @Test
    void everyAlertWaitsAndHasASeveritySummaryDescriptionAndARunbookSectionThatExists() {
        Set<String> anchors = Monitoring.read(OPERATIONS).lines()
            .filter((line) -> line.startsWith("#"))
            .map(PrometheusRulesTests::anchor)
            .collect(Collectors.toSet());

        assertThat(alerts()).allSatisfy((alert) -> {
            assertThat(alert.fields()).as(alert.name()).containsKey("for");
            assertThat(alert.labels()).as(alert.name()).containsKey("severity");
            assertThat(alert.labels().get("severity")).as(alert.name()).isIn("critical", "warning");
            assertThat(alert.annotations()).as(alert.name()).containsKeys("summary", "description", "runbook_url");
            String runbook = alert.annotations().get("runbook_url");
            assertThat(runbook).as(alert.name()).startsWith(OPERATIONS + "#");
            assertThat(anchors).as("%s's runbook section in %s", alert.name(), OPERATIONS)
                .contains(runbook.substring(runbook.indexOf('#') + 1));
        });
    }

    private static List<Rule> alerts() {
        return Monitoring.rules().stream().filter(Rule::alert).toList();
    }

    /** A Markdown heading's anchor as GitHub writes it: lower case, punctuation dropped, spaces as hyphens. */
    private static String anchor(String heading) {
        return heading.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

}
