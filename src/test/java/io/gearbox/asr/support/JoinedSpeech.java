package io.gearbox.asr.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.gearbox.asr.audio.AudioLoader;

/**
 * Recordings made by joining committed sentences ({@code models/gearbox-en/devset/synth-*.flac}, 16 kHz) with known
 * gaps between them, so that where each sentence's speech starts and ends is known to the sample.
 *
 * <p>Each sentence is first trimmed of its own leading and trailing silence by energy: the speech runs from the
 * first to the last 10 ms frame whose RMS level is within {@link #TRIM_DB} of the sentence's loudest frame. (A fixed
 * level relative to the peak, rather than an absolute one, because some clips carry faint background noise.)
 */
public final class JoinedSpeech {

    /** The committed sentences, 16 kHz FLAC. */
    public static final Path DEVSET = Path.of("models/gearbox-en/devset");

    public static final int SAMPLE_RATE = 16_000;

    /** Frames quieter than the loudest by more than this, in dB, count as the sentence's edge silence. */
    static final double TRIM_DB = 40;

    private static final int FRAME = SAMPLE_RATE / 100;

    private final List<float[]> parts = new ArrayList<>();

    private final List<int[]> speech = new ArrayList<>();

    private int length;

    /**
     * @param name a file in {@link #DEVSET}, e.g. {@code synth-synth0002.flac}
     * @return its samples at 16 kHz, trimmed of their edge silence
     */
    public static float[] trimmedSentence(String name) {
        try {
            byte[] flac = Files.readAllBytes(DEVSET.resolve(name));
            float[] samples = new AudioLoader(SAMPLE_RATE, Duration.ofMinutes(1)).load(flac, "audio/flac").samples();
            return trim(samples);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** @return the devset's synthesized sentences, by name, in order */
    public static List<String> sentences() {
        try (var listing = Files.list(DEVSET)) {
            return listing.map((p) -> p.getFileName().toString())
                .filter((n) -> n.startsWith("synth-") && n.endsWith(".flac"))
                .sorted()
                .toList();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static float[] trim(float[] samples) {
        int frames = samples.length / FRAME;
        double[] level = new double[frames];
        double loudest = Double.NEGATIVE_INFINITY;
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int i = f * FRAME; i < (f + 1) * FRAME; i++) {
                sum += samples[i] * samples[i];
            }
            level[f] = 10 * Math.log10(sum / FRAME + 1e-20);
            loudest = Math.max(loudest, level[f]);
        }
        int first = 0;
        while (first < frames && level[first] < loudest - TRIM_DB) {
            first++;
        }
        int last = frames - 1;
        while (last > first && level[last] < loudest - TRIM_DB) {
            last--;
        }
        return Arrays.copyOfRange(samples, first * FRAME, (last + 1) * FRAME);
    }

    /**
     * @param sentence speech to append; its first and last samples are recorded as a speech boundary
     * @return this
     */
    public JoinedSpeech speech(float[] sentence) {
        this.speech.add(new int[] { this.length, this.length + sentence.length });
        return append(sentence);
    }

    /**
     * @param seconds length of digital silence to append
     * @return this
     */
    public JoinedSpeech silence(double seconds) {
        return append(new float[samples(seconds)]);
    }

    /**
     * @param seconds length of white noise to append
     * @param rms its RMS level (0.003 is about -50 dBFS)
     * @param seed the noise generator's seed
     * @return this
     */
    public JoinedSpeech noise(double seconds, double rms, long seed) {
        return append(noiseSamples(samples(seconds), rms, seed));
    }

    /**
     * @param count samples
     * @param rms RMS level
     * @param seed generator seed
     * @return Gaussian white noise
     */
    public static float[] noiseSamples(int count, double rms, long seed) {
        Random random = new Random(seed);
        float[] noise = new float[count];
        for (int i = 0; i < count; i++) {
            noise[i] = (float) (random.nextGaussian() * rms);
        }
        return noise;
    }

    private static int samples(double seconds) {
        return (int) Math.round(seconds * SAMPLE_RATE);
    }

    private JoinedSpeech append(float[] part) {
        this.parts.add(part);
        this.length += part.length;
        return this;
    }

    /** @return the joined recording */
    public float[] samples() {
        float[] all = new float[this.length];
        int offset = 0;
        for (float[] part : this.parts) {
            System.arraycopy(part, 0, all, offset, part.length);
            offset += part.length;
        }
        return all;
    }

    /**
     * @param rms the noise's RMS level (0.003 is about -50 dBFS)
     * @param seed the noise generator's seed
     * @return the joined recording with white noise added under all of it, as a room's noise floor lies under the
     * speech as well as between it
     */
    public float[] samplesWithBackground(double rms, long seed) {
        float[] all = samples();
        float[] noise = noiseSamples(all.length, rms, seed);
        for (int i = 0; i < all.length; i++) {
            all[i] += noise[i];
        }
        return all;
    }

    /** @return each sentence's speech as {@code {start, end}} sample positions, in order */
    public List<int[]> speechBounds() {
        return List.copyOf(this.speech);
    }

}
