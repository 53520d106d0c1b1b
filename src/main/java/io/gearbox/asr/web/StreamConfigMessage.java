package io.gearbox.asr.web;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.gearbox.asr.audio.PcmEncoding;
import io.gearbox.asr.recognition.DepthRequest;
import io.gearbox.asr.recognition.UnknownDepthException;
import io.gearbox.asr.segmentation.EndpointSettings;
import io.gearbox.asr.streaming.StreamOptions;

/**
 * The first message of a {@code /v1/stream} client:
 * {@code {"type":"config","sample_rate":16000,"encoding":"pcm_s16le","interim_results":true,"depth":"auto",
 * "endpointing":{"silence_without_speech":2.4,"silence_after_speech":1.2,"max_segment":20}}}. Only {@code type} is
 * required; durations are in seconds, and a stream's longest segment may not exceed the service's.
 *
 * @param sampleRate the audio's rate in Hz, 8000 to 96000 (resampled to the model's)
 * @param encoding the samples' encoding
 * @param options the depth, interim results and endpointing asked for
 */
record StreamConfigMessage(int sampleRate, PcmEncoding encoding, StreamOptions options) {

    static final int MIN_RATE = 8_000;

    static final int MAX_RATE = 96_000;

    private static final Set<String> FIELDS = Set.of("type", "sample_rate", "encoding", "interim_results", "depth",
            "endpointing");

    private static final Set<String> ENDPOINTING = Set.of("silence_without_speech", "silence_after_speech",
            "max_segment");

    /**
     * @param message the parsed JSON object
     * @param defaults the service's endpointing
     * @return the config
     * @throws StreamFailure.StreamProtocolException 1007 for an invalid config, 1003 for an encoding the service
     * cannot take
     */
    static StreamConfigMessage parse(Map<?, ?> message, EndpointSettings defaults) {
        if (!"config".equals(message.get("type"))) {
            throw StreamFailure.invalid("invalid_config", "The first message must be {\"type\":\"config\", ...}");
        }
        for (Object key : message.keySet()) {
            if (!FIELDS.contains(key)) {
                throw StreamFailure.invalid("invalid_config", "Unknown config field '" + key + "'; known: "
                        + FIELDS);
            }
        }
        int rate = integer(message.get("sample_rate"), "sample_rate", 16_000);
        if (rate < MIN_RATE || rate > MAX_RATE) {
            throw StreamFailure.invalid("invalid_config", "sample_rate must be " + MIN_RATE + " to " + MAX_RATE
                    + " Hz, was " + rate);
        }
        Object encodingName = message.containsKey("encoding") ? message.get("encoding") : "pcm_s16le";
        if (!(encodingName instanceof String name)) {
            throw StreamFailure.invalid("invalid_config", "encoding must be a string");
        }
        PcmEncoding encoding = PcmEncoding.ofWireName(name)
            .orElseThrow(() -> StreamFailure.unsupported("unsupported_encoding", "Encoding '" + name
                    + "' is not supported; use pcm_s16le or pcm_f32le"));
        Object interim = message.containsKey("interim_results") ? message.get("interim_results") : Boolean.TRUE;
        if (!(interim instanceof Boolean interimResults)) {
            throw StreamFailure.invalid("invalid_config", "interim_results must be true or false");
        }
        DepthRequest depth = depth(message.get("depth"));
        EndpointSettings endpoints = endpointing(message.get("endpointing"), defaults);
        return new StreamConfigMessage(rate, encoding, new StreamOptions(depth, interimResults, endpoints));
    }

    private static DepthRequest depth(Object value) {
        if (value == null || "auto".equals(value)) {
            return DepthRequest.auto();
        }
        try {
            if (value instanceof Integer number) {
                return DepthRequest.pinned(number);
            }
            if (value instanceof String text) {
                return DepthRequest.parse(text);
            }
        }
        catch (UnknownDepthException | IllegalArgumentException ex) {
            throw StreamFailure.invalid("invalid_config", "depth must be \"auto\" or an exit's depth, was " + value);
        }
        throw StreamFailure.invalid("invalid_config", "depth must be \"auto\" or an exit's depth, was " + value);
    }

    private static EndpointSettings endpointing(Object value, EndpointSettings defaults) {
        if (value == null) {
            return defaults;
        }
        if (!(value instanceof Map<?, ?> overrides)) {
            throw StreamFailure.invalid("invalid_config", "endpointing must be an object");
        }
        for (Object key : overrides.keySet()) {
            if (!ENDPOINTING.contains(key)) {
                throw StreamFailure.invalid("invalid_config", "Unknown endpointing field '" + key + "'; known: "
                        + ENDPOINTING);
            }
        }
        Duration maxSegment = seconds(overrides.get("max_segment"), "max_segment");
        if (maxSegment != null && maxSegment.compareTo(defaults.maxSegment()) > 0) {
            throw StreamFailure.invalid("invalid_config", "endpointing.max_segment may be at most "
                    + defaults.maxSegment().toMillis() / 1000.0 + " s (asr.stream.endpoint.max-segment)");
        }
        try {
            return defaults.with(seconds(overrides.get("silence_without_speech"), "silence_without_speech"),
                    seconds(overrides.get("silence_after_speech"), "silence_after_speech"), maxSegment);
        }
        catch (IllegalArgumentException ex) {
            throw StreamFailure.invalid("invalid_config", "endpointing: " + ex.getMessage());
        }
    }

    private static Duration seconds(Object value, String name) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number number) || !(number.doubleValue() > 0) || number.doubleValue() > 3600) {
            throw StreamFailure.invalid("invalid_config", "endpointing." + name
                    + " must be a number of seconds in (0, 3600], was " + value);
        }
        return Duration.ofNanos(Math.round(number.doubleValue() * 1e9));
    }

    private static int integer(Object value, String name, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Integer number) {
            return number;
        }
        throw StreamFailure.invalid("invalid_config", name + " must be an integer, was " + value);
    }

}
