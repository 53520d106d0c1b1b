package io.gearbox.asr.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gearbox.asr.segmentation.EndpointSettings;
import io.gearbox.asr.segmentation.VadSettings;

/**
 * The settings of a {@code /v1/realtime} transcription session that change what the service does, as OpenAI's
 * {@code session.update} sets them ({@code session.audio.input.format} and {@code .turn_detection}), validated
 * once on construction. Fields of the update that this service has no use for (the transcription model,
 * language and prompt, noise reduction, the VAD's threshold and padding, {@code include}) are accepted and not
 * applied: one model, one language, the service's own voice activity detector.
 *
 * @param sampleRate the rate of the client's {@code audio/pcm} (16-bit little-endian mono), 24000 (OpenAI's only
 * rate, the default) or 16000 Hz (the model's, taken without resampling)
 * @param silence with server VAD, the silence after speech that ends an utterance (OpenAI's
 * {@code silence_duration_ms}); {@code null} when turn detection is off and the client commits each item
 */
record RealtimeSessionConfig(int sampleRate, Duration silence) {

    /** OpenAI's rate for {@code audio/pcm}, and the session's default. */
    static final int OPENAI_RATE = 24_000;

    /** The rates a session may take. */
    static final List<Integer> RATES = List.of(OPENAI_RATE, 16_000);

    RealtimeSessionConfig {
        if (!RATES.contains(sampleRate)) {
            throw new IllegalArgumentException("sampleRate must be one of " + RATES + ", was " + sampleRate);
        }
        if (silence != null && (silence.isNegative() || silence.isZero()
                || silence.compareTo(VadSettings.MAX_DURATION) > 0)) {
            throw new IllegalArgumentException("silence must be in (0, " + VadSettings.MAX_DURATION + "], was "
                    + silence);
        }
    }

    /**
     * @param endpoints the service's endpointing
     * @return a new session's settings: 24 kHz, server VAD with the service's silence after speech
     */
    static RealtimeSessionConfig defaults(EndpointSettings endpoints) {
        return new RealtimeSessionConfig(OPENAI_RATE, endpoints.silenceAfterSpeech());
    }

    /** @return whether the service ends utterances itself ({@code server_vad}) rather than the client's commits */
    boolean serverVad() {
        return this.silence != null;
    }

    /**
     * Applies a {@code session.update}'s {@code session} object: only the fields present change.
     * @param session the update's {@code session}
     * @param defaults the service's endpointing, whose silence after speech a {@code server_vad} without
     * {@code silence_duration_ms} takes
     * @return the settings after it
     * @throws StreamFailure.StreamProtocolException (an {@code invalid_request_error}, the session going on) for a
     * session that is not a transcription session, an audio format or rate the service does not take, or
     * turn detection other than {@code server_vad} or {@code null}
     */
    RealtimeSessionConfig update(Object session, EndpointSettings defaults) {
        if (!(session instanceof Map<?, ?> fields)) {
            throw StreamFailure.invalid("invalid_value", "session.update needs a 'session' object");
        }
        Object type = fields.get("type");
        if (type != null && !"transcription".equals(type)) {
            throw StreamFailure.invalid("unsupported_session_type", "Only transcription sessions are served "
                    + "(session.type 'transcription', /v1/realtime?intent=transcription), not '" + type + "'");
        }
        Map<?, ?> input = object(object(fields, "audio", "session.audio"), "input", "session.audio.input");
        int rate = this.sampleRate;
        Duration silenceAfter = this.silence;
        if (input.containsKey("format")) {
            rate = rate(input.get("format"));
        }
        if (input.containsKey("turn_detection")) {
            silenceAfter = silence(input.get("turn_detection"), defaults);
        }
        return new RealtimeSessionConfig(rate, silenceAfter);
    }

    /**
     * @param endpoints the service's endpointing
     * @return the endpointing of this session's streams: with server VAD the service's, with this silence after
     * speech; with manual commits none inside an item, so that a commit decodes its buffer as one utterance
     * (split only past the longest segment)
     */
    EndpointSettings endpoints(EndpointSettings endpoints) {
        if (serverVad()) {
            return endpoints.with(null, this.silence, null);
        }
        return endpoints.with(null, endpoints.maxSegment(), null);
    }

    /**
     * @param id the session's id
     * @param model the served model's name
     * @param language its language
     * @param vad the service's voice activity detector
     * @return the session object of {@code session.created} and {@code session.updated}, shaped as OpenAI's
     * {@code RealtimeTranscriptionSessionCreateResponse}
     */
    Map<String, Object> json(String id, String model, String language, VadSettings vad) {
        Map<String, Object> format = new LinkedHashMap<>();
        format.put("type", "audio/pcm");
        format.put("rate", this.sampleRate);
        Map<String, Object> transcription = new LinkedHashMap<>();
        transcription.put("model", model);
        transcription.put("language", language);
        Map<String, Object> turnDetection = null;
        if (serverVad()) {
            turnDetection = new LinkedHashMap<>();
            turnDetection.put("type", "server_vad");
            turnDetection.put("threshold", vad.threshold());
            turnDetection.put("prefix_padding_ms", vad.speechPad().toMillis());
            turnDetection.put("silence_duration_ms", this.silence.toMillis());
        }
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("format", format);
        input.put("transcription", transcription);
        input.put("noise_reduction", null);
        input.put("turn_detection", turnDetection);
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("type", "transcription");
        session.put("object", "realtime.transcription_session");
        session.put("id", id);
        session.put("audio", Map.of("input", input));
        session.put("include", List.of());
        return session;
    }

    private static int rate(Object value) {
        if (!(value instanceof Map<?, ?> format)) {
            throw StreamFailure.invalid("invalid_value", "session.audio.input.format must be an object such as "
                    + "{\"type\":\"audio/pcm\",\"rate\":24000}");
        }
        Object type = format.get("type");
        if (type != null && !"audio/pcm".equals(type)) {
            throw StreamFailure.invalid("unsupported_audio_format", "Audio format '" + type + "' is not "
                    + "supported; use {\"type\":\"audio/pcm\",\"rate\":24000} (or rate 16000)");
        }
        Object rate = format.get("rate");
        if (rate == null) {
            return OPENAI_RATE;
        }
        if (!(rate instanceof Integer hz) || !RATES.contains(hz)) {
            throw StreamFailure.invalid("unsupported_audio_format", "audio/pcm rate " + rate + " is not "
                    + "supported; use 24000 or 16000");
        }
        return hz;
    }

    private static Duration silence(Object value, EndpointSettings defaults) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> detection)) {
            throw StreamFailure.invalid("invalid_value", "session.audio.input.turn_detection must be an object "
                    + "or null");
        }
        Object type = detection.get("type");
        if (!"server_vad".equals(type)) {
            throw StreamFailure.invalid("unsupported_turn_detection", "Turn detection '" + type + "' is not "
                    + "supported; use {\"type\":\"server_vad\"} or null for manual commits");
        }
        Object millis = detection.get("silence_duration_ms");
        if (millis == null) {
            return defaults.silenceAfterSpeech();
        }
        if (!(millis instanceof Integer ms) || ms <= 0 || ms > VadSettings.MAX_DURATION.toMillis()) {
            throw StreamFailure.invalid("invalid_value", "turn_detection.silence_duration_ms must be a whole "
                    + "number of milliseconds in (0, " + VadSettings.MAX_DURATION.toMillis() + "], was " + millis);
        }
        return Duration.ofMillis(ms);
    }

    private static Map<?, ?> object(Map<?, ?> parent, String key, String name) {
        Object value = parent.get(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw StreamFailure.invalid("invalid_value", name + " must be an object");
        }
        return map;
    }

}
