package io.gearbox.asr.deploy.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart in {@code helm/gearbox-asr}, rendered and linted by Helm itself (helm-java bundles Helm as a native
 * library), as {@code helm template} and {@code helm lint --strict} would on the command line.
 */
public final class HelmChart {

    /** The chart's folder, from the repository root (the tests' working directory). */
    public static final Path CHART = Paths.get("helm", "gearbox-asr");

    /** The release name the tests render with; the objects' names are {@code RELEASE-gearbox-asr}. */
    static final String RELEASE = "speech";

    /** The namespace the tests render into. */
    static final String NAMESPACE = "asr";

    private HelmChart() {
    }

    /** @return the chart's {@code ci/*-values.yaml} files, one per feature, by name */
    static List<Path> ciValuesFiles() {
        try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
            return files.filter((file) -> file.getFileName().toString().endsWith("-values.yaml")).sorted().toList();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Renders the chart.
     * @param valuesFile a values file over the chart's defaults, or {@code null} for the defaults alone
     * @param set more values, as {@code --set name=value}
     * @return the rendered manifests, several YAML documents
     * @throws IllegalStateException with Helm's message when the values break the schema or a template fails
     */
    public static String render(Path valuesFile, Map<String, Object> set) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile.toAbsolutePath());
        }
        for (Map.Entry<String, Object> value : set.entrySet()) {
            template = template.set(value.getKey(), value.getValue());
        }
        return template.call();
    }

    /** @return {@link #render(Path, Map)} with no more values */
    public static String render(Path valuesFile) {
        return render(valuesFile, Map.of());
    }

    /**
     * Lints the chart strictly with a values file over its defaults. helm-java's lint takes no values file, so the
     * chart is copied into {@code workDir} with the file merged into its {@code values.yaml} as Helm merges a
     * {@code -f} file.
     * @param valuesFile the values file, or {@code null} to lint the chart as it is
     * @param workDir an empty folder for the copy
     * @return Helm's verdict and messages
     */
    static LintResult lint(Path valuesFile, Path workDir) throws IOException {
        if (valuesFile == null) {
            return new Helm(CHART).lint().strict().call();
        }
        Path copy = workDir.resolve("gearbox-asr");
        copyTree(CHART, copy);
        Map<String, Object> values = mergeValues(readYaml(CHART.resolve("values.yaml")), readYaml(valuesFile));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(copy.resolve("values.yaml"), new Yaml(options).dump(values));
        return new Helm(copy).lint().strict().call();
    }

    /** @return a YAML file's top-level mapping */
    static Map<String, Object> readYaml(Path file) throws IOException {
        Map<String, Object> map = new Yaml().load(Files.readString(file));
        return (map != null) ? map : new LinkedHashMap<>();
    }

    /**
     * Helm's rule for values given with {@code -f}: mappings merge key by key, anything else (lists included) is
     * replaced, and a null removes the key. Written here because helm-java exposes no merge and the rule is short.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> mergeValues(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        over.forEach((key, value) -> {
            if (value == null) {
                merged.remove(key);
            }
            else if (value instanceof Map<?, ?> map && merged.get(key) instanceof Map<?, ?> baseMap) {
                merged.put(key, mergeValues((Map<String, Object>) baseMap, (Map<String, Object>) map));
            }
            else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                }
                else {
                    Files.copy(path, target);
                }
            }
        }
    }

}
