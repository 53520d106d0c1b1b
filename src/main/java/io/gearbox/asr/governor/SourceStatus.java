package io.gearbox.asr.governor;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the governor last got from one signal (a {@link SignalSource}, or the {@link LoadProbe} under the name
 * {@value #LOAD_PROBE_NAME}).
 *
 * @param name the source's name
 * @param steersDepth whether its readings take part in decisions
 * @param state the outcome of the last read
 * @param value the last good reading (kept while failing, but then not used)
 * @param smoothed the exponentially weighted mean of the good readings that the policy uses; empty while
 * failing
 * @param lastReadAt when the last good reading was taken
 * @param lastError the last failure, as {@code ExceptionClass: message} or a description
 * @param failingSince when the current run of failures began
 * @param consecutiveFailures failures since the last good reading
 */
public record SourceStatus(String name, boolean steersDepth, State state, OptionalDouble value,
		OptionalDouble smoothed, Optional<Instant> lastReadAt, Optional<String> lastError, Optional<Instant> failingSince,
		long consecutiveFailures) {

	/** Name under which the {@link LoadProbe}'s status is reported. */
	public static final String LOAD_PROBE_NAME = "load";

	public SourceStatus {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(state, "state");
		Objects.requireNonNull(value, "value");
		Objects.requireNonNull(smoothed, "smoothed");
		Objects.requireNonNull(lastReadAt, "lastReadAt");
		Objects.requireNonNull(lastError, "lastError");
		Objects.requireNonNull(failingSince, "failingSince");
	}

	/** Outcome of the last read. */
	public enum State {

		/** Not read yet. */
		UNKNOWN,

		/** The last read gave a usable value. */
		OK,

		/** The last read threw, returned nothing, or returned a value out of range; the source is ignored. */
		FAILING

	}

}
