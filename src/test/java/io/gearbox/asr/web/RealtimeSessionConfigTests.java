package io.gearbox.asr.web;

import java.time.Duration;
import java.util.Map;

import io.gearbox.asr.segmentation.EndpointSettings;
import io.gearbox.asr.segmentation.VadSettings;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RealtimeSessionConfigTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final EndpointSettings SERVICE = EndpointSettings.defaults();

    private static final RealtimeSessionConfig DEFAULTS = RealtimeSessionConfig.defaults(SERVICE);

    @Test
    void aNewSessionTakes24kHzPcmWithServerVadAtTheServicesSilence() {
        assertThat(DEFAULTS.sampleRate()).isEqualTo(24_000);
        assertThat(DEFAULTS.serverVad()).isTrue();
        assertThat(DEFAULTS.silence()).isEqualTo(SERVICE.silenceAfterSpeech());
        assertThat(DEFAULTS.endpoints(SERVICE)).isEqualTo(SERVICE);
    }

    @Test
    void anUpdateChangesOnlyTheFieldsItHas() {
        RealtimeSessionConfig rate = DEFAULTS.update(session("{\"audio\":{\"input\":{\"format\":{\"type\":"
                + "\"audio/pcm\",\"rate\":16000}}}}"), SERVICE);
        assertThat(rate).isEqualTo(new RealtimeSessionConfig(16_000, SERVICE.silenceAfterSpeech()));

        RealtimeSessionConfig silence = rate.update(session("{\"type\":\"transcription\",\"audio\":{\"input\":{"
                + "\"turn_detection\":{\"type\":\"server_vad\",\"silence_duration_ms\":500,\"threshold\":0.6}}}}"),
                SERVICE);
        assertThat(silence).isEqualTo(new RealtimeSessionConfig(16_000, Duration.ofMillis(500)));
        assertThat(silence.endpoints(SERVICE).silenceAfterSpeech()).isEqualTo(Duration.ofMillis(500));
        assertThat(silence.endpoints(SERVICE).maxSegment()).isEqualTo(SERVICE.maxSegment());

        assertThat(silence.update(session("{\"include\":[],\"audio\":{\"input\":{\"transcription\":{\"model\":"
                + "\"whisper-1\",\"language\":\"en\"},\"noise_reduction\":null}}}"), SERVICE)).isEqualTo(silence);
    }

    @Test
    void serverVadWithoutASilenceTakesTheServicesAndRateDefaultsTo24kHz() {
        RealtimeSessionConfig manual = new RealtimeSessionConfig(16_000, null);

        RealtimeSessionConfig vad = manual.update(session("{\"audio\":{\"input\":{\"format\":{\"type\":"
                + "\"audio/pcm\"},\"turn_detection\":{\"type\":\"server_vad\"}}}}"), SERVICE);

        assertThat(vad).isEqualTo(DEFAULTS);
    }

    @Test
    void nullTurnDetectionMeansManualCommitsWithNoEndpointInsideAnItem() {
        RealtimeSessionConfig manual = DEFAULTS.update(session("{\"audio\":{\"input\":{\"turn_detection\":null}}}"),
                SERVICE);

        assertThat(manual.serverVad()).isFalse();
        assertThat(manual.silence()).isNull();
        assertThat(manual.endpoints(SERVICE).silenceAfterSpeech()).isEqualTo(SERVICE.maxSegment());
    }

    @Test
    void formatsAndRatesTheServiceDoesNotTakeAreInvalidRequests() {
        assertInvalid("{\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcmu\"}}}}", "unsupported_audio_format");
        assertInvalid("{\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcma\"}}}}", "unsupported_audio_format");
        assertInvalid("{\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcm\",\"rate\":44100}}}}",
                "unsupported_audio_format");
        assertInvalid("{\"audio\":{\"input\":{\"format\":{\"type\":\"audio/pcm\",\"rate\":\"24000\"}}}}",
                "unsupported_audio_format");
        assertInvalid("{\"audio\":{\"input\":{\"format\":\"pcm16\"}}}", "invalid_value");
    }

    @Test
    void turnDetectionOtherThanServerVadOrNullIsAnInvalidRequest() {
        assertInvalid("{\"audio\":{\"input\":{\"turn_detection\":{\"type\":\"semantic_vad\"}}}}",
                "unsupported_turn_detection");
        assertInvalid("{\"audio\":{\"input\":{\"turn_detection\":{\"type\":\"server_vad\","
                + "\"silence_duration_ms\":0}}}}", "invalid_value");
        assertInvalid("{\"audio\":{\"input\":{\"turn_detection\":{\"type\":\"server_vad\","
                + "\"silence_duration_ms\":0.5}}}}", "invalid_value");
    }

    @Test
    void aConversationSessionOrAMissingSessionIsAnInvalidRequest() {
        assertInvalid("{\"type\":\"realtime\",\"instructions\":\"be nice\"}", "unsupported_session_type");
        assertInvalid("{\"audio\":[]}", "invalid_value");
        assertThatExceptionOfType(StreamFailure.StreamProtocolException.class)
            .isThrownBy(() -> DEFAULTS.update(null, SERVICE))
            .satisfies((ex) -> assertThat(StreamFailure.of(ex).code()).isEqualTo("invalid_value"));
    }

    @Test
    void theSessionObjectIsShapedAsOpenAisTranscriptionSession() {
        VadSettings vad = new VadSettings(0.5, 0.35, Duration.ofMillis(100), Duration.ofMillis(250),
                Duration.ofMillis(30), Duration.ofSeconds(30));

        Map<String, Object> json = DEFAULTS.json("sess_1", "gearbox-en", "en", vad);

        assertThat(JSON.writeValueAsString(json)).isEqualTo("{\"type\":\"transcription\",\"object\":"
                + "\"realtime.transcription_session\",\"id\":\"sess_1\",\"audio\":{\"input\":{\"format\":{\"type\":"
                + "\"audio/pcm\",\"rate\":24000},\"transcription\":{\"model\":\"gearbox-en\",\"language\":\"en\"},"
                + "\"noise_reduction\":null,\"turn_detection\":{\"type\":\"server_vad\",\"threshold\":0.5,"
                + "\"prefix_padding_ms\":30,\"silence_duration_ms\":1200}}},\"include\":[]}");
        assertThat(new RealtimeSessionConfig(16_000, null).json("sess_1", "gearbox-en", "en", vad))
            .extractingByKey("audio")
            .asString()
            .contains("turn_detection=null", "rate=16000");
    }

    private static void assertInvalid(String session, String code) {
        assertThatExceptionOfType(StreamFailure.StreamProtocolException.class)
            .isThrownBy(() -> DEFAULTS.update(session(session), SERVICE))
            .satisfies((ex) -> {
                StreamFailure failure = StreamFailure.of(ex);
                assertThat(failure.code()).isEqualTo(code);
                assertThat(failure.recoverable()).isTrue();
                assertThat(failure.message()).isNotBlank();
            });
    }

    private static Object session(String json) {
        return JSON.readValue(json, Object.class);
    }

}
