package io.gearbox.asr.deploy.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * The service's own configuration, as Spring Boot would see it in a pod: the {@code application.yml} in the jar
 * ({@code src/main/resources}), under the one a ConfigMap mounts and the container's environment, bound with
 * Spring's {@link Binder} into the real {@code @ConfigurationProperties} records of {@code io.gearbox.asr.config},
 * validated as at start-up, with unknown keys failing.
 */
final class ServiceProperties {

    /** The service's own configuration, in the jar. */
    static final Path APPLICATION_YML = Paths.get("src", "main", "resources", "application.yml");

    private static final String CONFIG_PACKAGE = "io.gearbox.asr.config";

    private ServiceProperties() {
    }

    /** @return the {@code @ConfigurationProperties} classes of the service, by prefix (such as {@code asr.limits}) */
    static Map<String, Class<?>> propertiesClasses() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        Map<String, Class<?>> classes = new LinkedHashMap<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents(CONFIG_PACKAGE)) {
            Class<?> type;
            try {
                type = Class.forName(candidate.getBeanClassName());
            }
            catch (ClassNotFoundException ex) {
                throw new IllegalStateException(ex);
            }
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            classes.put(annotation.value().isEmpty() ? annotation.prefix() : annotation.value(), type);
        }
        return classes;
    }

    /** @return the property source of a YAML text (for example a ConfigMap's {@code application.yml}) */
    static PropertySource<?> yaml(String name, String yaml) {
        try {
            List<PropertySource<?>> sources = new YamlPropertySourceLoader().load(name,
                    new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8), name));
            return sources.isEmpty() ? new MapPropertySource(name, Map.of()) : sources.get(0);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** @return the property source of the service's own application.yml */
    static PropertySource<?> applicationYml() {
        try {
            return new YamlPropertySourceLoader().load("application.yml", new FileSystemResource(APPLICATION_YML))
                .get(0);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** @return a container's environment variables as Spring Boot reads them (relaxed: ASR_ADMIN_TOKEN) */
    static PropertySource<?> environment(Map<String, String> variables) {
        return new SystemEnvironmentPropertySource("environment", new LinkedHashMap<>(variables));
    }

    /**
     * Binds every {@code asr.*} property of the sources, the first winning, into the service's records.
     * @return the bound records by class, those with no property in the sources created with their defaults
     * @throws AssertionError for an {@code asr.*} key that no record has (a misspelt group or property), and for
     * a value the record or its constraints refuse
     */
    static Map<Class<?>, Object> bind(PropertySource<?>... sources) {
        MutablePropertySources propertySources = new MutablePropertySources();
        for (PropertySource<?> source : sources) {
            propertySources.addLast(source);
        }
        Map<String, Class<?>> classes = propertiesClasses();
        for (PropertySource<?> source : sources) {
            for (String key : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
                String canonical = key.toLowerCase().replace('_', '.');
                if (canonical.startsWith("asr.") && classes.keySet().stream()
                    .noneMatch((prefix) -> canonical.startsWith(prefix + "."))) {
                    throw new AssertionError(key + " (in " + source.getName() + ") binds to no "
                            + "@ConfigurationProperties record of " + CONFIG_PACKAGE + ", whose prefixes are "
                            + classes.keySet());
                }
            }
        }
        Iterable<ConfigurationPropertySource> configurationSources = ConfigurationPropertySources
            .from(propertySources);
        Binder binder = new Binder(configurationSources, null, ApplicationConversionService.getSharedInstance());
        Map<Class<?>, Object> bound = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        try (ValidatorFactory validation = Validation.buildDefaultValidatorFactory()) {
            Validator validator = validation.getValidator();
            // As Spring Boot binds with ignoreUnknownFields = false: a key under the prefix that the record does
            // not bind fails the binding. The record's constraints are then checked, as @Validated has them checked
            // at start-up.
            BindHandler handler = new NoUnboundElementsBindHandler(BindHandler.DEFAULT);
            classes.forEach((prefix, type) -> {
                try {
                    Object record = Objects.requireNonNull(binder.bindOrCreate(prefix, Bindable.of(type), handler));
                    Set<ConstraintViolation<Object>> violations = validator.validate(record);
                    if (!violations.isEmpty()) {
                        failures.add(prefix + ": " + violations.stream()
                            .map((violation) -> violation.getPropertyPath() + " " + violation.getMessage()).toList());
                    }
                    bound.put(type, record);
                }
                catch (RuntimeException ex) {
                    failures.add(prefix + ": " + rootMessage(ex));
                }
            });
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("the configuration does not bind: " + failures);
        }
        return bound;
    }

    private static String rootMessage(Throwable ex) {
        StringBuilder message = new StringBuilder();
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            message.append(cause.getMessage()).append("; ");
        }
        return message.toString();
    }

}
