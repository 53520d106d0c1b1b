package io.gearbox.asr.segmentation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.gearbox.asr.inference.SileroVad;
import io.gearbox.asr.support.JoinedSpeech;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Silero VAD model and the detector together, on recordings made by joining committed sentences with known
 * gaps: each sentence's speech (trimmed of its own edge silence) starts and ends at a known sample.
 */
class VoiceActivityDetectorTests {

    /** How far a span's edge may lie from its sentence's: 100 ms at 16 kHz. */
    private static final int TOLERANCE = 1600;

    private static final List<String> SENTENCES = List.of("synth-synth0002.flac", "synth-synth0007.flac",
            "synth-synth0015.flac", "synth-synth0018.flac", "synth-synth0021.flac");

    private static SileroVad model;

    @BeforeAll
    static void open() {
        model = SileroVad.open(Path.of("models/silero-vad/silero_vad.onnx"), 1);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The defaults without the pad, so that the spans' edges are the detector's own. */
    private static VadSettings unpadded() {
        VadSettings d = VadSettings.defaults();
        return new VadSettings(d.threshold(), d.negativeThreshold(), d.minSilence(), d.minSpeech(), Duration.ZERO,
                d.maxSegment());
    }

    private static JoinedSpeech joined() {
        double[] gaps = { 0.6, 1.5, 0.9, 1.2 };
        JoinedSpeech joined = new JoinedSpeech().silence(0.5);
        for (int k = 0; k < SENTENCES.size(); k++) {
            joined.speech(JoinedSpeech.trimmedSentence(SENTENCES.get(k)));
            joined.silence((k < gaps.length) ? gaps[k] : 0.8);
        }
        return joined;
    }

    private static void assertEachSentenceIsOneSpan(List<SpeechSpan> spans, List<int[]> sentences) {
        assertThat(spans).hasSameSizeAs(sentences);
        for (int k = 0; k < sentences.size(); k++) {
            SpeechSpan span = spans.get(k);
            int[] sentence = sentences.get(k);
            assertThat(span.startSample()).as("start of sentence %d", k)
                .isBetween(sentence[0] - TOLERANCE, sentence[0] + TOLERANCE);
            assertThat(span.endSample()).as("end of sentence %d", k)
                .isBetween(sentence[1] - TOLERANCE, sentence[1] + TOLERANCE);
        }
    }

    @Test
    void findsEverySentenceJoinedBySilenceWithin100Milliseconds() {
        JoinedSpeech joined = joined();

        List<SpeechSpan> spans = new VoiceActivityDetector(model, unpadded()).speech(joined.samples());

        assertEachSentenceIsOneSpan(spans, joined.speechBounds());
    }

    @Test
    void findsEverySentenceInLowLevelBackgroundNoiseWithin100Milliseconds() {
        // White noise at -60 dBFS under the whole recording. (In louder noise, -50 dBFS, the model's offsets lag a
        // little more, up to about 100 ms behind these edges: VadBenchmark measures it.)
        JoinedSpeech joined = joined();

        List<SpeechSpan> spans = new VoiceActivityDetector(model, unpadded())
            .speech(joined.samplesWithBackground(0.001, 11));

        assertEachSentenceIsOneSpan(spans, joined.speechBounds());
    }

    @Test
    void theDefaultPadKeepsEachSentenceInsideItsSpan() {
        JoinedSpeech joined = joined();
        // pauses of 400 ms or more: none inside these sentences, so one span each (the default 200 ms may also cut
        // inside a sentence, which says nothing of the pad)
        VadSettings d = VadSettings.defaults();
        VoiceActivityDetector detector = new VoiceActivityDetector(model, new VadSettings(d.threshold(),
                d.negativeThreshold(), Duration.ofMillis(400), d.minSpeech(), d.speechPad(), d.maxSegment()));

        List<SpeechSpan> spans = detector.speech(joined.samplesWithBackground(0.003, 12));

        List<int[]> sentences = joined.speechBounds();
        assertThat(spans).hasSameSizeAs(sentences);
        for (int k = 0; k < sentences.size(); k++) {
            assertThat(spans.get(k).startSample()).as("start of sentence %d", k)
                .isLessThanOrEqualTo(sentences.get(k)[0]);
            assertThat(spans.get(k).endSample()).as("end of sentence %d", k)
                .isGreaterThanOrEqualTo(sentences.get(k)[1]);
        }
    }

    @Test
    void findsNoSpeechInSilence() {
        VoiceActivityDetector detector = new VoiceActivityDetector(model, VadSettings.defaults());

        assertThat(detector.speech(new float[10 * 16_000])).isEmpty();
        assertThat(detector.speech(new float[0])).isEmpty();
    }

    @Test
    void findsNoSpeechInLowLevelNoise() {
        VoiceActivityDetector detector = new VoiceActivityDetector(model, VadSettings.defaults());

        assertThat(detector.speech(JoinedSpeech.noiseSamples(10 * 16_000, 0.003, 7))).isEmpty();
        assertThat(detector.speech(JoinedSpeech.noiseSamples(10 * 16_000, 0.01, 8))).isEmpty();
    }

    @Test
    void searchedInPiecesARecordingGivesTheSameSpansAsInOne() {
        float[] samples = joined().samplesWithBackground(0.003, 12);
        VoiceActivityDetector detector = new VoiceActivityDetector(model, VadSettings.defaults());
        List<SpeechSpan> whole = detector.speech(samples);

        for (int piece : new int[] { 1000, 16_000, 100_000, samples.length }) {
            VoiceActivityDetector.Analysis analysis = detector.analyse(samples);
            int pieces = 1;
            while (!analysis.advance(piece)) {
                pieces++;
            }
            assertThat(pieces).isEqualTo((samples.length + piece - 1) / piece);
            assertThat(analysis.spans()).as("in pieces of %d samples", piece).isEqualTo(whole);
        }
    }

    @Test
    void cutsSpeechLongerThanMaxSegment() {
        JoinedSpeech joined = joined();
        VadSettings d = VadSettings.defaults();
        VadSettings short3s = new VadSettings(d.threshold(), d.negativeThreshold(), d.minSilence(), d.minSpeech(),
                d.speechPad(), Duration.ofSeconds(3));

        List<SpeechSpan> spans = new VoiceActivityDetector(model, short3s).speech(joined.samples());

        assertThat(spans).hasSizeGreaterThan(SENTENCES.size());
        assertThat(spans).allSatisfy((s) -> assertThat(s.length()).isBetween(4000, 48_000));
    }

}
