package io.gearbox.asr.audio;

import java.time.Duration;
import java.util.Locale;

/**
 * The audio lasts longer than the configured maximum. Maps to HTTP 413.
 */
public final class AudioTooLongException extends AudioException {

	private static final long serialVersionUID = 1L;

	private final Duration maxDuration;

	public AudioTooLongException(Duration maxDuration) {
		super("Audio is longer than the maximum of " + describe(maxDuration));
		this.maxDuration = maxDuration;
	}

	/**
	 * The limit that was exceeded.
	 * @return the maximum duration
	 */
	public Duration getMaxDuration() {
		return this.maxDuration;
	}

	private static String describe(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + " s" : String.format(Locale.ROOT, "%.3f s", millis / 1000.0);
	}

}
