package io.gearbox.asr.audio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Test signals and the measurements the tests make on decoded audio.
 */
final class Signals {

	private Signals() {
	}

	static float[] sine(double frequency, double amplitude, int sampleRate, int length) {
		float[] samples = new float[length];
		for (int i = 0; i < length; i++) {
			samples[i] = (float) (amplitude * Math.sin(2 * Math.PI * frequency * i / sampleRate));
		}
		return samples;
	}

	/**
	 * Amplitude of the component at {@code frequency} in {@code samples[from, to)}: the
	 * Hann-windowed DTFT evaluated at that one frequency (a Goertzel-style single-bin
	 * measurement), scaled so that a pure sine of amplitude A reads A.
	 */
	static double amplitudeAt(float[] samples, int sampleRate, double frequency, int from, int to) {
		double omega = 2 * Math.PI * frequency / sampleRate;
		double re = 0;
		double im = 0;
		double windowSum = 0;
		int n = to - from;
		for (int i = 0; i < n; i++) {
			double window = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
			double x = samples[from + i] * window;
			re += x * Math.cos(omega * i);
			im -= x * Math.sin(omega * i);
			windowSum += window;
		}
		return 2 * Math.hypot(re, im) / windowSum;
	}

	/** {@link #amplitudeAt} over the middle of the signal, leaving out a tenth at each end. */
	static double amplitudeAt(float[] samples, int sampleRate, double frequency) {
		int margin = samples.length / 10;
		return amplitudeAt(samples, sampleRate, frequency, margin, samples.length - margin);
	}

	static double rms(float[] samples, int from, int to) {
		double sum = 0;
		for (int i = from; i < to; i++) {
			sum += (double) samples[i] * samples[i];
		}
		return Math.sqrt(sum / (to - from));
	}

	static double decibels(double ratio) {
		return 20 * Math.log10(ratio);
	}

	static byte[] resource(String name) {
		try (InputStream in = Signals.class.getResourceAsStream("/audio/" + name)) {
			if (in == null) {
				throw new IllegalStateException("Missing test resource " + name);
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
