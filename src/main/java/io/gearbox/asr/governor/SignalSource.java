package io.gearbox.asr.governor;

import java.util.OptionalDouble;

/**
 * A pluggable utilisation signal, such as accelerator utilisation, accelerator memory or CPU load.
 *
 * <p>{@link #read()} returns a fraction in {@code [0, 1]} (1 = saturated). It is called from
 * {@link DepthGovernor#evaluate()} on the governor's schedule, so it must be quick and must not block; a source
 * that needs a slow call should cache its last value. A source that throws, returns an empty value, or returns a
 * value outside {@code [0, 1]} is marked failing in the snapshot and ignored until it reads again; it is never
 * fatal.
 */
public interface SignalSource {

	/** Short, stable name shown to operators, e.g. {@code gpu-utilisation}. */
	String name();

	/**
	 * The current reading as a fraction in {@code [0, 1]}, or empty when the source has nothing to say right now
	 * (no device, not yet warmed up).
	 */
	OptionalDouble read() throws Exception;

	/**
	 * Whether this signal may push the governor to a shallower exit (and hold it back from going deeper).
	 * Sources that are only shown to operators (for example accelerator memory, which a shallower exit barely
	 * changes) return {@code false}.
	 */
	default boolean steersDepth() {
		return true;
	}

}
