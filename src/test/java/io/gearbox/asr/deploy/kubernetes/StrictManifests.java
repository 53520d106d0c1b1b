package io.gearbox.asr.deploy.kubernetes;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.yaml.snakeyaml.Yaml;

/**
 * Rendered manifests parsed strictly into fabric8's Kubernetes object model (with the prometheus-operator's
 * {@code monitoring.coreos.com} kinds from its monitoring model).
 * <p>
 * fabric8's classes never fail on a field they do not know, nor on a value of the wrong type: they keep either in
 * {@code additionalProperties}, and a kind they do not know becomes a {@link GenericKubernetesResource}. Strict here
 * means neither happens anywhere in an object: every field of every nested object was bound to the model, so a
 * misspelt or misplaced field (say {@code readinesProbe}, or {@code port} under {@code httpGet.path}) fails, as
 * the API server's strict field validation would.
 */
public final class StrictManifests {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StrictManifests() {
    }

    /**
     * @param yaml one or more YAML documents, each a Kubernetes object (empty documents are skipped, as Helm and
     * kubectl skip them)
     * @return the objects, in order
     * @throws AssertionError naming the object and the path of the first field the model did not bind
     */
    public static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Object document : new Yaml().loadAll(yaml)) {
            if (document == null) {
                continue;
            }
            KubernetesResource resource = SERIALIZATION.convertValue(document, KubernetesResource.class);
            if (!(resource instanceof HasMetadata object) || resource instanceof GenericKubernetesResource) {
                throw new AssertionError("not a kind the Kubernetes model knows: " + describe(document));
            }
            if (object.getMetadata() == null || object.getMetadata().getName() == null) {
                throw new AssertionError("an object without a name: " + describe(document));
            }
            String name = object.getKind() + "/" + object.getMetadata().getName();
            unboundFields(object, name).ifPresent((unbound) -> {
                throw new AssertionError("fields the Kubernetes model does not know: " + unbound);
            });
            objects.add(object);
        }
        return objects;
    }

    /** @return the only object of that type among them */
    public static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> found = all(objects, type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    /** @return the objects of that type */
    public static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * Walks the object graph through its public getters, looking for values the model kept aside.
     * @return the path and keys of the first {@code additionalProperties} that is not empty
     */
    private static Optional<String> unboundFields(Object value, String path) {
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.")) {
            if (value instanceof Collection<?> items) {
                int index = 0;
                for (Object item : items) {
                    Optional<String> found = unboundFields(item, path + "[" + index++ + "]");
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            else if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    Optional<String> found = unboundFields(entry.getValue(), path + "." + entry.getKey());
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            return Optional.empty();
        }
        if (value.getClass().isEnum()) {
            return Optional.empty();
        }
        for (Method getter : value.getClass().getMethods()) {
            if (!isGetter(getter)) {
                continue;
            }
            Object field = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    return Optional.of(path + " " + extra.keySet());
                }
                continue;
            }
            Optional<String> found = unboundFields(field, path + "." + propertyName(getter));
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static boolean isGetter(Method method) {
        String name = method.getName();
        return method.getParameterCount() == 0 && !Modifier.isStatic(method.getModifiers())
                && method.getReturnType() != void.class && !name.equals("getClass")
                && (name.startsWith("get") || name.startsWith("is"));
    }

    private static String propertyName(Method getter) {
        String name = getter.getName();
        String bare = name.substring(name.startsWith("is") ? 2 : 3);
        return bare.isEmpty() ? name : Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        }
        catch (IllegalAccessException | InvocationTargetException ex) {
            throw new IllegalStateException("cannot read " + getter, ex);
        }
    }

    private static String describe(Object document) {
        if (document instanceof Map<?, ?> map) {
            Object metadata = map.get("metadata");
            Object name = (metadata instanceof Map<?, ?> meta) ? meta.get("name") : null;
            return map.get("apiVersion") + " " + map.get("kind") + " " + name;
        }
        return String.valueOf(document);
    }

}
