package io.gearbox.asr.inference;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.gearbox.asr.support.JoinedSpeech;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shipped Silero VAD v5 model through ONNX Runtime, on committed speech.
 */
class SileroVadTests {

    static final Path MODEL = Path.of("models/silero-vad/silero_vad.onnx");

    private static SileroVad vad;

    private static float[] speech;

    @BeforeAll
    static void open() {
        vad = SileroVad.open(MODEL, 1);
        speech = new JoinedSpeech().silence(0.7)
            .speech(JoinedSpeech.trimmedSentence("synth-synth0002.flac"))
            .silence(1.0)
            .speech(JoinedSpeech.trimmedSentence("synth-synth0015.flac"))
            .silence(0.5)
            .samples();
    }

    @AfterAll
    static void close() {
        vad.close();
    }

    @Test
    void describesItsWindows() {
        assertThat(vad.sampleRate()).isEqualTo(16_000);
        assertThat(vad.windowSamples()).isEqualTo(512);
        assertThat(vad.isOpen()).isTrue();
    }

    @Test
    void givesOneProbabilityPerWindowPaddingTheLastPartialOne() {
        assertThat(vad.probabilities(new float[0])).isEmpty();
        assertThat(vad.probabilities(new float[512])).hasSize(1);
        assertThat(vad.probabilities(new float[513])).hasSize(2);
        assertThat(vad.probabilities(speech)).hasSize((speech.length + 511) / 512);
    }

    @Test
    void speechIsLikelyAndSilenceIsNot() {
        float[] p = vad.probabilities(speech);

        // The first 0.7 s (21 windows) are digital silence, then a sentence.
        float[] lead = Arrays.copyOfRange(p, 0, 21);
        float[] sentence = Arrays.copyOfRange(p, 24, 24 + 60);
        assertThat(max(lead)).isLessThan(0.1f);
        assertThat(mean(sentence)).isGreaterThan(0.8f);
        for (float v : p) {
            assertThat(v).isBetween(0f, 1f);
        }
    }

    @Test
    void aStreamFedInOddChunksGivesTheProbabilitiesOfOneCall() {
        float[] whole = vad.probabilities(speech);
        SileroVad.Stream stream = vad.newStream();
        int[] sizes = { 1, 333, 4000, 0, 511, 513 };
        float[] fed = new float[0];
        int offset = 0;
        for (int k = 0; offset < speech.length; k++) {
            int size = Math.min(sizes[k % sizes.length], speech.length - offset);
            float[] p = stream.accept(Arrays.copyOfRange(speech, offset, offset + size));
            offset += size;
            fed = concat(fed, p);
            assertThat(stream.pendingSamples()).isEqualTo(offset % 512);
        }
        fed = concat(fed, stream.flush());

        assertThat(fed).containsExactly(whole);
        assertThat(stream.windows()).isEqualTo(whole.length);
        assertThat(stream.flush()).isEmpty();
    }

    @Test
    void streamsOfDifferentRecordingsDoNotShareState() {
        float[] expected = vad.probabilities(speech);
        SileroVad.Stream first = vad.newStream();
        SileroVad.Stream second = vad.newStream();
        float[] a = new float[0];
        float[] b = new float[0];
        for (int offset = 0; offset < speech.length; offset += 2048) {
            float[] chunk = Arrays.copyOfRange(speech, offset, Math.min(speech.length, offset + 2048));
            a = concat(a, first.accept(chunk));
            b = concat(b, second.accept(new float[chunk.length]));
        }

        assertThat(concat(a, first.flush())).containsExactly(expected);
        assertThat(max(b)).isLessThan(0.1f);
    }

    @Test
    void concurrentStreamsGiveTheProbabilitiesOfSequentialOnes() throws Exception {
        float[] expected = vad.probabilities(speech);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<float[]> a = pool.submit(() -> vad.probabilities(speech));
            Future<float[]> b = pool.submit(() -> vad.probabilities(speech));
            Future<float[]> c = pool.submit(() -> vad.probabilities(speech));
            assertThat(a.get()).containsExactly(expected);
            assertThat(b.get()).containsExactly(expected);
            assertThat(c.get()).containsExactly(expected);
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingTwiceIsHarmlessAndUseAfterCloseThrows() {
        SileroVad own = SileroVad.open(MODEL, 1);
        SileroVad.Stream stream = own.newStream();
        stream.accept(new float[700]);

        own.close();
        own.close();

        assertThat(own.isOpen()).isFalse();
        assertThatIllegalStateException().isThrownBy(own::newStream).withMessageContaining("closed");
        assertThatIllegalStateException().isThrownBy(() -> own.probabilities(new float[512]));
        assertThatIllegalStateException().isThrownBy(() -> stream.accept(new float[10]));
        assertThatIllegalStateException().isThrownBy(stream::flush);
    }

    @Test
    void closingWhileAnotherThreadRunsWindowsStopsItCleanly() throws Exception {
        SileroVad own = SileroVad.open(MODEL, 1);
        CountDownLatch running = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> worker = pool.submit(() -> {
                SileroVad.Stream stream = own.newStream();
                float[] window = Arrays.copyOf(speech, 512);
                while (true) {
                    stream.accept(window);
                    running.countDown();
                }
            });
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();

            own.close();

            assertThatThrownBy(worker::get).hasCauseInstanceOf(IllegalStateException.class);
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsAMissingFileAndNegativeThreads() {
        assertThatIllegalArgumentException().isThrownBy(() -> SileroVad.open(Path.of("no/such/model.onnx"), 1))
            .withMessageContaining("no/such/model.onnx");
        assertThatIllegalArgumentException().isThrownBy(() -> SileroVad.open(MODEL, -1))
            .withMessageContaining("-1");
    }

    @Test
    void rejectsAModelWithoutSileroInputs() {
        Path other = Path.of("models/gearbox-en/exit-02.onnx");
        assertThatThrownBy(() -> SileroVad.open(other, 1)).isInstanceOf(InferenceException.class)
            .hasMessageContaining("not a Silero VAD v5 model");
    }

    private static float[] concat(float[] a, float[] b) {
        float[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static float max(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static float mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return (float) (sum / values.length);
    }

}
