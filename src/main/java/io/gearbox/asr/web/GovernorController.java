package io.gearbox.asr.web;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.governor.GovernorSettings;
import io.gearbox.asr.governor.Maximise;
import io.gearbox.asr.recognition.AdmissionQueue;
import io.gearbox.asr.recognition.UnknownDepthException;
import reactor.core.publisher.Mono;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code GET /v1/governor}: the load governor's gear (depth and decoding), mode, last change, signals, cost table
 * and settings, and the admission queue's bounds (its deadline follows the objective).
 * {@code PUT /v1/governor}: pin the default gear ({@code {"mode":"pinned","depth":N}}: the ladder's highest gear
 * at exit N; with {@code "decoding":"fast"} or {@code "full"}, that gear, when it is on the ladder), hand it back to the
 * governor ({@code {"mode":"auto"}}) and/or change its objective and thresholds; effective at once, answered with
 * the new state. The PUT needs {@code Authorization: Bearer <asr.admin.token>} ({@link AdminToken}); the body is
 * checked completely before anything is applied.
 *
 * <p>PUT keys: {@code mode} ({@code auto} | {@code pinned}), {@code depth} (an exit; implies {@code pinned}),
 * {@code decoding} ({@code full} | {@code fast}; only with {@code depth}; without it, the ladder's highest gear at
 * that exit),
 * {@code latencySlo}, {@code dwell}, {@code cooldown}, {@code window} (durations such as {@code "800ms"},
 * {@code "2s"}, {@code "PT1S"}, or a number of milliseconds), {@code latencyLowFraction}, {@code predictionTarget},
 * {@code utilisationHigh}, {@code utilisationLow} (fractions), {@code minSamples} (a count), {@code maximise}
 * ({@code answers} | {@code correct-answers}; the latter only when the model gives every gear's word error rate).
 */
@RestController
class GovernorController {

    private static final Set<String> KEYS = Set.of("mode", "depth", "decoding", "latencySlo", "latencyLowFraction",
            "predictionTarget", "utilisationHigh", "utilisationLow", "dwell", "cooldown", "window", "minSamples",
            "maximise");

    private final DepthGovernor governor;

    private final AdmissionQueue admission;

    private final AdminToken adminToken;

    GovernorController(DepthGovernor governor, AdmissionQueue admission, AdminToken adminToken) {
        this.governor = governor;
        this.admission = admission;
        this.adminToken = adminToken;
    }

    @GetMapping(path = "/v1/governor", produces = MediaType.APPLICATION_JSON_VALUE)
    GovernorView governor(ServerWebExchange exchange) {
        // A failing signal's message can name files and libraries of the host: only operators see it.
        return GovernorView.of(this.governor.snapshot(), this.admission,
                this.adminToken.permits(exchange.getRequest().getHeaders()));
    }

    @PutMapping(path = "/v1/governor", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<GovernorView> update(ServerWebExchange exchange, @RequestBody Mono<Map<String, Object>> body) {
        return Mono.defer(() -> {
            this.adminToken.check(exchange.getRequest().getHeaders());
            return body.map((fields) -> {
                apply(fields);
                return GovernorView.of(this.governor.snapshot(), this.admission, true);
            });
        });
    }

    /** Checks the whole change, then applies it: settings first, then the mode. */
    private void apply(Map<String, Object> fields) {
        if (fields.isEmpty()) {
            throw new InvalidRequestException("Nothing to change: give 'mode' and/or settings");
        }
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            if (!KEYS.contains(field.getKey())) {
                throw new InvalidRequestException("Unknown field '" + field.getKey() + "'; the fields are "
                        + KEYS.stream().sorted().toList());
            }
            if (field.getValue() == null) {
                throw new InvalidRequestException("'" + field.getKey() + "' is null; leave a field out to keep it");
            }
        }
        String mode = mode(fields.get("mode"));
        Integer depth = depth(fields.get("depth"));
        if (depth != null && mode == null) {
            mode = "pinned";
        }
        if ("pinned".equals(mode) && depth == null) {
            throw new InvalidRequestException("'depth' is required with mode 'pinned'");
        }
        if ("auto".equals(mode) && depth != null) {
            throw new InvalidRequestException("'depth' goes with mode 'pinned', not 'auto'");
        }
        if (depth != null && !this.governor.depths().contains(depth)) {
            throw new UnknownDepthException(Integer.toString(depth), this.governor.depths());
        }
        Gear.Decoding decoding = decoding(fields.get("decoding"));
        if (decoding != null && depth == null) {
            throw new InvalidRequestException("'decoding' goes with 'depth'");
        }
        // without a decoding, the ladder's gear at that exit; an exit no gear serves is turned away just below
        Gear gear = (depth == null) ? null : (decoding != null) ? new Gear(depth, decoding)
                : this.governor.highestGearAt(depth).orElse(Gear.full(depth));
        if (gear != null && !this.governor.gears().contains(gear)) {
            throw new InvalidRequestException("Gear '" + gear + "' is not on the ladder; the gears are "
                    + this.governor.gears().stream().map(Gear::toString).toList());
        }
        GovernorSettings settings = settings(fields);
        if (settings.maximise() == Maximise.CORRECT_ANSWERS && this.admission.maxQueueWait().isZero()) {
            throw new InvalidRequestException("Invalid settings: maximising correct answers needs a queue deadline, "
                    + "and this service has none (asr.governor.queue-deadline is 0)");
        }
        if (!settings.equals(this.governor.settings())) {
            try {
                this.governor.updateSettings(settings); // checks them against the model before applying any
            }
            catch (IllegalArgumentException ex) {
                throw new InvalidRequestException("Invalid settings: " + ex.getMessage());
            }
        }
        if ("pinned".equals(mode)) {
            this.governor.pin(gear);
        }
        else if ("auto".equals(mode)) {
            this.governor.auto();
        }
    }

    private GovernorSettings settings(Map<String, Object> fields) {
        GovernorSettings.Builder builder = this.governor.settings().toBuilder();
        set(fields, "latencySlo", GovernorController::duration, builder::latencySlo);
        set(fields, "dwell", GovernorController::duration, builder::dwell);
        set(fields, "cooldown", GovernorController::duration, builder::cooldown);
        set(fields, "window", GovernorController::duration, builder::window);
        set(fields, "latencyLowFraction", GovernorController::fraction, builder::latencyLowFraction);
        set(fields, "predictionTarget", GovernorController::fraction, builder::predictionTarget);
        set(fields, "utilisationHigh", GovernorController::fraction, builder::utilisationHigh);
        set(fields, "utilisationLow", GovernorController::fraction, builder::utilisationLow);
        set(fields, "minSamples", GovernorController::count, builder::minSamples);
        set(fields, "maximise", GovernorController::maximise, builder::maximise);
        try {
            return builder.build();
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidRequestException("Invalid settings: " + ex.getMessage());
        }
    }

    /** Parses {@code fields[name]}, when present, and hands it to {@code setter}. */
    private static <T> void set(Map<String, Object> fields, String name, BiFunction<String, Object, T> parse,
            Consumer<T> setter) {
        if (fields.containsKey(name)) {
            setter.accept(parse.apply(name, fields.get(name)));
        }
    }

    private static int count(String name, Object value) {
        if (!(value instanceof Integer count)) {
            throw new InvalidRequestException("'" + name + "' must be a whole number, was " + describe(value));
        }
        return count;
    }

    private static Maximise maximise(String name, Object value) {
        if (value instanceof String text) {
            try {
                return Maximise.of(text.trim().toLowerCase(Locale.ROOT));
            }
            catch (IllegalArgumentException ex) {
                // reported below with the value as the client sent it
            }
        }
        throw new InvalidRequestException("'" + name + "' must be 'answers' or 'correct-answers', was "
                + describe(value));
    }

    private static String mode(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String text) {
            String mode = text.trim().toLowerCase(Locale.ROOT);
            if (mode.equals("auto") || mode.equals("pinned")) {
                return mode;
            }
        }
        throw new InvalidRequestException("'mode' must be 'auto' or 'pinned', was " + describe(value));
    }

    private static Gear.Decoding decoding(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String text) {
            for (Gear.Decoding decoding : Gear.Decoding.values()) {
                if (decoding.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return decoding;
                }
            }
        }
        throw new InvalidRequestException("'decoding' must be 'full' or 'fast', was " + describe(value));
    }

    private static Integer depth(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Integer depth) {
            return depth;
        }
        throw new InvalidRequestException("'depth' must be a whole number, was " + describe(value));
    }

    private static Duration duration(String name, Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return Duration.ofMillis(((Number) value).longValue());
        }
        if (value instanceof String text && !text.isBlank()) {
            try {
                return DurationStyle.detectAndParse(text.trim());
            }
            catch (IllegalArgumentException | DateTimeParseException ex) {
                // fall through to the common message
            }
        }
        throw new InvalidRequestException("'" + name + "' must be a duration such as \"800ms\" or \"2s\", or a "
                + "number of milliseconds, was " + describe(value));
    }

    private static double fraction(String name, Object value) {
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        throw new InvalidRequestException("'" + name + "' must be a number, was " + describe(value));
    }

    private static String describe(Object value) {
        if (value instanceof String text) {
            return "\"" + ((text.length() > 40) ? text.substring(0, 40) + "..." : text) + "\"";
        }
        if (value instanceof Map || value instanceof Iterable) {
            return (value instanceof Map) ? "an object" : "a list";
        }
        return String.valueOf(value);
    }

}
