package io.gearbox.asr.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Writes a measured figure into each exit of a model's {@code manifest.json}, as the benchmarks' {@code record}
 * modes do, through Jackson's tree model: every other key keeps its place and value, and the text is laid out as
 * the recipe's {@code json.dump(indent=2, ensure_ascii=False)} lays it out, floats as Python writes them
 * ({@code 1e-06}, {@code 20.0}), so that a manifest the recipe wrote changes only where the figure is. (Jackson's
 * own layout differs in spacing, arrays and float notation; this is the smallest configuration that matches.)
 */
final class ManifestFile {

    private static final JsonMapper JSON = JsonMapper.builder()
        .defaultPrettyPrinter(new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectNameValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")))
        .enable(SerializationFeature.INDENT_OUTPUT)
        .build();

    private ManifestFile() {
    }

    /**
     * Replaces, in the model folder's {@code manifest.json}, each listed exit's {@code key} (see
     * {@link #withExitField}).
     */
    static Path writeExitField(Path modelDir, String key, String after, Map<Integer, ?> values) throws IOException {
        Path file = modelDir.resolve("manifest.json");
        Files.writeString(file, withExitField(Files.readString(file), key, after, values));
        return file;
    }

    /**
     * The manifest's text with each listed exit's {@code key} replaced, or added right after its {@code after} key
     * (at its end when it has none).
     * @param values by exit depth, the value (a number, or a map of them by name)
     * @throws IllegalArgumentException when the manifest has no exit at a listed depth
     */
    static String withExitField(String manifest, String key, String after, Map<Integer, ?> values) {
        JsonNode root = JSON.readTree(manifest);
        Map<Integer, Object> left = new LinkedHashMap<>(values);
        for (JsonNode node : root.path("exits")) {
            ObjectNode exit = (ObjectNode) node;
            if (!left.containsKey(exit.path("depth").asInt())) {
                continue;
            }
            JsonNode value = JSON.valueToTree(left.remove(exit.path("depth").asInt()));
            List<Map.Entry<String, JsonNode>> properties = new ArrayList<>(exit.properties());
            exit.removeAll();
            for (Map.Entry<String, JsonNode> property : properties) {
                if (!property.getKey().equals(key)) {
                    exit.set(property.getKey(), property.getValue());
                }
                if (property.getKey().equals(after)) {
                    exit.set(key, value);
                }
            }
            if (!exit.has(key)) {
                exit.set(key, value);
            }
        }
        if (!left.isEmpty()) {
            throw new IllegalArgumentException("the manifest has no exit at depths " + left.keySet());
        }
        return JSON.writeValueAsString(pythonFloats(root)) + "\n";
    }

    /** The node with every floating-point number in it replaced by its text as Python writes it. */
    private static JsonNode pythonFloats(JsonNode node) {
        if (node.isFloatingPointNumber()) {
            return JSON.getNodeFactory().rawValueNode(new RawValue(pythonFloat(node.doubleValue())));
        }
        if (node instanceof ObjectNode object) {
            for (String name : new ArrayList<>(object.propertyNames())) {
                object.set(name, pythonFloats(object.get(name)));
            }
        }
        else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, pythonFloats(array.get(i)));
            }
        }
        return node;
    }

    /**
     * A double as Python's {@code repr} writes it: the shortest digits, positional from 1e-4 up to below 1e16
     * (always with a fraction: {@code 20.0}), else {@code 1e-06} or {@code 1.5e+16}.
     */
    static String pythonFloat(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("JSON has no " + value);
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0.0" : "0.0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        String digits = decimal.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        String sign = (value < 0) ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            return sign + digits.charAt(0) + ((digits.length() > 1) ? "." + digits.substring(1) : "")
                    + String.format(Locale.ROOT, "e%s%02d", (exponent < 0) ? "-" : "+", Math.abs(exponent));
        }
        String plain = decimal.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

}
