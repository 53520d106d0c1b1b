package io.gearbox.asr.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gearbox.asr.support.JoinedSpeech;
import io.gearbox.asr.support.TestAudio;
import io.gearbox.asr.support.WordErrors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Long recordings through the real HTTP stack with the shipped model and the voice activity detector: a recording
 * joined from committed sentences is cut at its pauses, recognised span by span and stitched back in order, with
 * every timestamp inside the audio; recordings with no speech give an empty transcript; the duration limit still
 * turns a recording away before anything is recognised.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "asr.model.path=" + ShippedModelEndToEndTests.MODEL, "asr.limits.max-audio-duration=90s" })
@AutoConfigureWebTestClient
@AutoConfigureMetrics
@ActiveProfiles("e2e")
class LongRecordingsEndToEndTests {

    /** Eight committed sentences, each followed by a pause the detector cuts at. */
    private static final int SENTENCES = 8;

    private static final double PAUSE_SECONDS = 0.9;

    private static final MediaType AUDIO_WAV = MediaType.parseMediaType("audio/wav");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Map<String, String> TEXTS = new LinkedHashMap<>();

    @Autowired
    private WebTestClient client;

    @BeforeAll
    static void readTheCommittedSentences() throws IOException {
        for (String line : Files.readAllLines(Path.of(ShippedModelEndToEndTests.MODEL, "devset", "transcripts.tsv"))) {
            String[] parts = line.split("\t", 2);
            if (parts[0].startsWith("synth-")) {
                TEXTS.put(parts[0], parts[1]);
            }
        }
    }

    @Test
    void aLongRecordingIsTranscribedInOrderWithEveryTimestampInsideTheAudio() throws IOException {
        List<String> names = new ArrayList<>(TEXTS.keySet()).subList(0, SENTENCES);
        JoinedSpeech joined = new JoinedSpeech().silence(0.5);
        List<String> oneByOne = new ArrayList<>();
        for (String name : names) {
            float[] sentence = JoinedSpeech.trimmedSentence(name);
            joined.speech(sentence).silence(PAUSE_SECONDS);
            oneByOne.add(verbose(wav(new JoinedSpeech().silence(0.3).speech(sentence).silence(0.3).samples()))
                .get("text").asText());
        }
        float[] recording = joined.samples();
        double duration = recording.length / (double) JoinedSpeech.SAMPLE_RATE;
        assertThat(duration).isGreaterThan(20); // longer than the threshold, and than any training sentence

        JsonNode result = verbose(wav(recording));

        assertThat(result.get("duration").asDouble()).isCloseTo(duration, org.assertj.core.data.Offset.offset(0.01));
        List<String> reference = new ArrayList<>();
        names.forEach((name) -> reference.addAll(words(TEXTS.get(name))));
        double cut = wordErrorRate(reference, words(result.get("text").asText()));
        double separately = wordErrorRate(reference, words(String.join(" ", oneByOne)));
        // in order: a transcript out of order, or recognised uncut (70% or more on such recordings), would be far
        // worse than the sentences alone; the margin allows for the cuts (about 80 words: a word is 1.25 points)
        assertThat(cut).isLessThanOrEqualTo(separately + 0.15);
        double previousEnd = 0;
        for (JsonNode word : result.get("words")) {
            assertThat(word.get("start").asDouble()).isGreaterThanOrEqualTo(previousEnd - 1e-9);
            assertThat(word.get("end").asDouble()).isGreaterThanOrEqualTo(word.get("start").asDouble())
                .isLessThanOrEqualTo(duration);
            previousEnd = word.get("end").asDouble();
        }
        JsonNode segments = result.get("segments");
        assertThat(segments.size()).isBetween(SENTENCES / 2, SENTENCES * 2);
        double segmentEnd = 0;
        for (int i = 0; i < segments.size(); i++) {
            JsonNode segment = segments.get(i);
            assertThat(segment.get("id").asInt()).isEqualTo(i);
            assertThat(segment.get("start").asDouble()).isGreaterThanOrEqualTo(segmentEnd - 1e-9);
            assertThat(segment.get("end").asDouble()).isLessThanOrEqualTo(duration);
            assertThat(segment.get("depth").asInt()).isEqualTo(12);
            assertThat(segment.get("decoding").asText()).isEqualTo("full");
            segmentEnd = segment.get("end").asDouble();
        }
        String srt = this.client.post().uri("/v1/audio/transcriptions")
            .contentType(MediaType.MULTIPART_FORM_DATA)
            .body(BodyInserters.fromMultipartData(form(wav(recording), "srt").build()))
            .exchange()
            .expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody();
        assertThat(srt).contains(segments.size() + "\n");
    }

    @Test
    void aLongSilentRecordingGivesAnEmptyTranscript() throws IOException {
        JsonNode result = verbose(wav(new float[60 * JoinedSpeech.SAMPLE_RATE]));

        assertThat(result.get("text").asText()).isEmpty();
        assertThat(result.get("segments").size()).isZero();
        assertThat(result.get("words").size()).isZero();
    }

    @Test
    void aLongRecordingOfNoiseWithoutSpeechGivesAnEmptyTranscript() throws IOException {
        JsonNode result = verbose(wav(new JoinedSpeech().noise(40, 0.003, 7).samples()));

        assertThat(result.get("text").asText()).isEmpty();
        assertThat(result.get("segments").size()).isZero();
    }

    @Test
    void aRecordingOverTheDurationLimitIsTurnedAwayBeforeAnythingIsRecognised() {
        String before = recognitionsWithoutAnExit();
        this.client.post().uri("/v1/recognize").contentType(AUDIO_WAV)
            .bodyValue(TestAudio.toneWav(100.0, 16000, 440))
            .exchange()
            .expectStatus().isEqualTo(413)
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.code").isEqualTo("audio_too_long");
        assertThat(recognitionsWithoutAnExit()).isNotEqualTo(before).contains("outcome=\"invalid_audio\"");
    }

    /** The Prometheus lines of utterances that ended before reaching an exit. */
    private String recognitionsWithoutAnExit() {
        String scrape = this.client.get().uri("/actuator/prometheus")
            .exchange()
            .expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody();
        return scrape.lines()
            .filter((line) -> line.startsWith("asr_recognitions_seconds_count") && line.contains("depth=\"none\""))
            .reduce("", (a, b) -> a + b + "\n");
    }

    private JsonNode verbose(byte[] wav) throws IOException {
        MultipartBodyBuilder form = form(wav, "verbose_json");
        form.part("timestamp_granularities[]", "word");
        form.part("timestamp_granularities[]", "segment");
        byte[] body = this.client.post().uri("/v1/audio/transcriptions")
            .contentType(MediaType.MULTIPART_FORM_DATA)
            .body(BodyInserters.fromMultipartData(form.build()))
            .exchange()
            .expectStatus().isOk()
            .expectBody().returnResult().getResponseBody();
        return JSON.readTree(body);
    }

    private static MultipartBodyBuilder form(byte[] wav, String format) {
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("file", new ByteArrayResource(wav) {

            @Override
            public String getFilename() {
                return "recording.wav";
            }

        }).contentType(AUDIO_WAV);
        form.part("response_format", format);
        return form;
    }

    private static byte[] wav(float[] samples) {
        short[] pcm = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            pcm[i] = (short) Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767);
        }
        return TestAudio.wav(pcm, JoinedSpeech.SAMPLE_RATE);
    }

    private static List<String> words(String text) {
        return WordErrors.words(text);
    }

    private static double wordErrorRate(List<String> reference, List<String> hypothesis) {
        return (double) WordErrors.distance(reference, hypothesis) / reference.size();
    }

}
