package io.gearbox.asr.audio;

import java.util.Objects;

/**
 * Decoded mono audio.
 *
 * <p>{@code samples} are 32-bit floats nominally in [-1, 1] (float sources may exceed
 * it; non-finite values are replaced by 0). The array is owned by this record and is not
 * copied: callers must not modify it. As with every record holding an array, equality
 * is by array identity.
 *
 * @param samples mono samples at {@code sampleRate}
 * @param sampleRate rate of {@code samples} in Hz
 * @param sourceFormat short name of the decoded container/codec: {@code wav},
 * {@code flac}, {@code mp3}, {@code ogg-vorbis} or {@code l16}
 * @param sourceSampleRate rate of the upload in Hz, before resampling
 * @param sourceChannels channel count of the upload, before the mix-down
 */
public record PcmAudio(float[] samples, int sampleRate, String sourceFormat, int sourceSampleRate,
		int sourceChannels) {

	public PcmAudio {
		Objects.requireNonNull(samples, "samples");
		Objects.requireNonNull(sourceFormat, "sourceFormat");
		if (sampleRate <= 0) {
			throw new IllegalArgumentException("sampleRate must be positive, was " + sampleRate);
		}
		if (sourceSampleRate <= 0) {
			throw new IllegalArgumentException("sourceSampleRate must be positive, was " + sourceSampleRate);
		}
		if (sourceChannels <= 0) {
			throw new IllegalArgumentException("sourceChannels must be positive, was " + sourceChannels);
		}
	}

	/**
	 * Length of the audio.
	 * @return {@code samples.length / sampleRate}, in seconds
	 */
	public double durationSeconds() {
		return (double) this.samples.length / this.sampleRate;
	}

}
