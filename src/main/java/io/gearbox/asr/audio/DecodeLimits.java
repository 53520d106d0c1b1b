package io.gearbox.asr.audio;

import java.time.Duration;

/**
 * The bounds every decoder enforces: accepted source sample rates and channel counts,
 * and the maximum duration, expressed in frames (one sample per channel) at a given rate.
 */
final class DecodeLimits {

	/** Lowest accepted source sample rate, in Hz. */
	static final int MIN_SAMPLE_RATE = 8_000;

	/** Highest accepted source sample rate, in Hz. */
	static final int MAX_SAMPLE_RATE = 48_000;

	/** Highest accepted channel count; WAVE_FORMAT_EXTENSIBLE names at most 18 speakers. */
	static final int MAX_CHANNELS = 256;

	/** Longest Java array we try to allocate. */
	static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

	private final Duration maxDuration;

	DecodeLimits(Duration maxDuration) {
		this.maxDuration = maxDuration;
	}

	Duration maxDuration() {
		return this.maxDuration;
	}

	/**
	 * The most frames allowed at {@code sampleRate}: {@code floor(maxDuration * sampleRate)},
	 * capped at the longest array we allocate.
	 */
	long maxFrames(int sampleRate) {
		long seconds = this.maxDuration.getSeconds();
		long whole = (seconds > MAX_ARRAY_LENGTH / sampleRate) ? MAX_ARRAY_LENGTH : seconds * sampleRate;
		long fraction = (long) this.maxDuration.getNano() * sampleRate / 1_000_000_000L;
		return Math.min(MAX_ARRAY_LENGTH, whole + fraction);
	}

	/** Rejects a stream whose header already says it is too long. */
	void checkDeclaredFrames(long frames, int sampleRate) {
		if (frames > maxFrames(sampleRate)) {
			throw tooLong();
		}
	}

	AudioTooLongException tooLong() {
		return new AudioTooLongException(this.maxDuration);
	}

	/**
	 * A buffer that throws {@link AudioTooLongException} once it would hold more than
	 * the allowed frames at {@code sampleRate}.
	 * @param expectedFrames a size hint, may be 0 when unknown
	 */
	MonoBuffer newBuffer(int sampleRate, long expectedFrames) {
		return new MonoBuffer(maxFrames(sampleRate), expectedFrames, this::tooLong);
	}

	/**
	 * Rates at or below zero cannot come from a real file and are corrupt input; a real
	 * rate outside 8 to 48 kHz is a format we do not accept.
	 */
	static void checkSampleRate(long sampleRate) {
		if (sampleRate <= 0) {
			throw new InvalidAudioException("Audio header declares an invalid sample rate");
		}
		if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
			throw new UnsupportedAudioException("Sample rate " + sampleRate + " Hz is not supported; accepted rates are "
					+ MIN_SAMPLE_RATE + " to " + MAX_SAMPLE_RATE + " Hz");
		}
	}

	static void checkChannels(long channels) {
		if (channels <= 0 || channels > MAX_CHANNELS) {
			throw new InvalidAudioException("Audio header declares an invalid channel count");
		}
	}

}
