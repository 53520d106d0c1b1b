package io.gearbox.asr.governor;

/** Where the policy stands after its last evaluation; shown to operators. */
public enum PolicyState {

	/** Signals between the low and the high marks: hold the depth. */
	HOLDING,

	/** All signals under their low marks and the next gear predicted to fit: counting the dwell time. */
	DWELLING,

	/** A move is due but the last change was less than the cooldown ago. */
	COOLING_DOWN,

	/** A high mark is crossed at the shallowest exit: nothing shallower to go to. */
	AT_SHALLOWEST,

	/**
	 * Maximising correct answers ({@link Maximise#CORRECT_ANSWERS}), a high mark is crossed at the gear predicted
	 * to answer the most words correctly on time: the queue's deadline turns the excess away.
	 */
	SHEDDING,

	/** At the deepest exit with no high mark crossed. */
	AT_DEEPEST,

	/** An operator pinned the depth; the policy does not move it. */
	PINNED

}
