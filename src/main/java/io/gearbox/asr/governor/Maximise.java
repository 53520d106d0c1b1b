package io.gearbox.asr.governor;

import java.util.Locale;

/**
 * What the governor maximises when the load is more than its gear can carry: the choice between answering more
 * requests less accurately and fewer requests more accurately, which the service cannot make for its users.
 */
public enum Maximise {

	/**
	 * Answers within the objective: shed to the deepest gear predicted to keep up, however inaccurate, so that as
	 * few requests as possible are turned away. For clients to whom any transcript on time is worth more than a
	 * 503 (live captions, search over many short queries).
	 */
	ANSWERS,

	/**
	 * Correct words within the objective, the benchmark's effective accuracy: the gear {@code e} with the most
	 * {@code min(1, 1 / ρ(e)) · (1 − WER(e))}, the share of the arrivals it can serve times the share of their
	 * words it gets right, while the queue's deadline turns the rest away with 503. A gear too inaccurate to be
	 * worth its throughput is never chosen, however high the load; so it needs each gear's word error rate. For
	 * clients to whom a wrong transcript is worth nothing and a 503 can be retried.
	 */
	CORRECT_ANSWERS;

	/** {@code "answers"} or {@code "correct-answers"}: the name in the configuration, the API and the logs. */
	public String label() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The value named by {@link #label()}.
	 * @throws IllegalArgumentException for any other name
	 */
	public static Maximise of(String label) {
		for (Maximise value : values()) {
			if (value.label().equals(label)) {
				return value;
			}
		}
		throw new IllegalArgumentException("maximise must be answers or correct-answers but was " + label);
	}

}
