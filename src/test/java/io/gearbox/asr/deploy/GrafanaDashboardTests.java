package io.gearbox.asr.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard ({@code deploy/grafana/dashboards/gearbox-asr.json}) and its provisioning: a dashboard
 * Grafana 11 loads, every panel querying the Prometheus chosen by the {@code datasource} variable, and provisioning
 * that loads it from the folder the deployment mounts.
 */
class GrafanaDashboardTests {

    /** Where the dashboard provider reads dashboards; the deployment mounts {@code deploy/grafana/dashboards} here. */
    static final String DASHBOARDS_IN_GRAFANA = "/var/lib/grafana/dashboards";

    private static final String DATASOURCE = "${datasource}";

    private final JsonNode dashboard = Monitoring.dashboard();

    @Test
    void isAProvisionableDashboardOfSchema39OrLater() {
        assertThat(this.dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        assertThat(this.dashboard.path("uid").asText()).isEqualTo("gearbox-asr");
        assertThat(this.dashboard.path("title").asText()).isNotBlank();
        assertThat(this.dashboard.has("id")).as("no database id in a provisioned file").isFalse();
    }

    @Test
    void choosesItsPrometheusJobAndInstanceThroughVariables() {
        JsonNode variables = this.dashboard.path("templating").path("list");

        assertThat(variable(variables, "datasource").path("type").asText()).isEqualTo("datasource");
        assertThat(variable(variables, "datasource").path("query").asText()).isEqualTo("prometheus");
        for (String name : List.of("job", "instance")) {
            JsonNode variable = variable(variables, name);
            assertThat(variable.path("type").asText()).as(name).isEqualTo("query");
            assertThat(variable.path("datasource").path("uid").asText()).as(name).isEqualTo(DATASOURCE);
            assertThat(variable.path("includeAll").asBoolean()).as(name).isTrue();
        }
    }

    @Test
    void everyPanelQueriesTheChosenDatasourceFilteredByJobAndInstance() {
        List<JsonNode> panels = Monitoring.panels(this.dashboard);

        assertThat(panels).hasSizeGreaterThan(10).allSatisfy((panel) -> {
            String title = panel.path("title").asText();
            assertThat(panel.path("datasource").path("type").asText()).as(title).isEqualTo("prometheus");
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE);
            assertThat(panel.path("description").asText()).as(title).isNotBlank();
            assertThat(panel.path("targets").size()).as(title).isPositive();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE);
                assertThat(target.path("expr").asText()).as(title).isNotBlank().contains("job=~\"$job\"");
            }
        });
        for (JsonNode annotation : this.dashboard.path("annotations").path("list")) {
            assertThat(annotation.path("datasource").path("uid").asText()).isEqualTo(DATASOURCE);
        }
    }

    @Test
    void panelIdsAreUniqueAndPanelsFitTheGrid() {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : this.dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("id %s", panel.path("id")).isTrue();
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as(panel.path("title").asText())
                .isLessThanOrEqualTo(24);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDashboardProviderReadsTheFolderTheDashboardIsMountedIn() throws IOException {
        Map<String, Object> file = (Map<String, Object>) Monitoring.yaml(Monitoring.DASHBOARD_PROVIDERS);
        List<Map<String, Object>> providers = (List<Map<String, Object>>) file.get("providers");

        assertThat(file.get("apiVersion")).isEqualTo(1);
        assertThat(providers).singleElement().satisfies((provider) -> {
            assertThat(provider.get("type")).isEqualTo("file");
            assertThat(((Map<String, Object>) provider.get("options")).get("path")).isEqualTo(DASHBOARDS_IN_GRAFANA);
        });
        Path mounted = Monitoring.DASHBOARD.getParent();
        try (Stream<Path> files = Files.list(mounted)) {
            assertThat(files.map(Path::getFileName).map(Path::toString))
                .as("dashboards in %s, the folder mounted at %s", mounted, DASHBOARDS_IN_GRAFANA)
                .containsExactly(Monitoring.DASHBOARD.getFileName().toString());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDatasourceIsADefaultPrometheus() {
        Map<String, Object> file = (Map<String, Object>) Monitoring.yaml(Monitoring.DATASOURCES);
        List<Map<String, Object>> datasources = (List<Map<String, Object>>) file.get("datasources");

        assertThat(file.get("apiVersion")).isEqualTo(1);
        assertThat(datasources).singleElement().satisfies((datasource) -> {
            assertThat(datasource.get("type")).isEqualTo("prometheus");
            assertThat(datasource.get("isDefault")).isEqualTo(true);
            assertThat((String) datasource.get("url")).startsWith("http://");
        });
    }

    private static JsonNode variable(JsonNode variables, String name) {
        for (JsonNode variable : variables) {
            if (name.equals(variable.path("name").asText())) {
                return variable;
            }
        }
        throw new AssertionError("no variable " + name);
    }

}
