package io.gearbox.asr.governor;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of the default exit.
 *
 * @param from the depth before
 * @param to the depth after
 * @param direction {@link Direction#UP} to a deeper exit, {@link Direction#DOWN} to a shallower one
 * @param reason why it changed
 * @param detail the figures behind the decision, for logs and operators
 * @param at when it changed
 */
public record DepthChange(int from, int to, Direction direction, Reason reason, String detail, Instant at) {

	public DepthChange {
		Objects.requireNonNull(direction, "direction");
		Objects.requireNonNull(reason, "reason");
		Objects.requireNonNull(detail, "detail");
		Objects.requireNonNull(at, "at");
		if (from == to) {
			throw new IllegalArgumentException("a change needs two different depths but both were " + from);
		}
		if ((to > from) != (direction == Direction.UP)) {
			throw new IllegalArgumentException("direction " + direction + " does not match " + from + " -> " + to);
		}
	}

	static DepthChange of(int from, int to, Reason reason, String detail, Instant at) {
		return new DepthChange(from, to, (to > from) ? Direction.UP : Direction.DOWN, reason, detail, at);
	}

	/** Which way the depth moved. */
	public enum Direction {

		/** To a deeper exit (more layers, slower, more accurate). */
		UP,

		/** To a shallower exit (fewer layers, faster, less accurate). */
		DOWN

	}

	/** Why the depth moved. */
	public enum Reason {

		/** The window's p95 end-to-end latency crossed the objective. */
		LATENCY,

		/** The latency predicted from the queue and the exit's cost crossed the objective. */
		QUEUE,

		/**
		 * The requests arriving, served and turned away alike, need more of the workers than the utilisation high
		 * mark at this exit: the queue cannot keep up however short the latency of the requests it admits.
		 */
		OVERLOAD,

		/** A steering utilisation signal crossed its high mark. */
		UTILISATION,

		/** All signals stayed under their low marks for the dwell time: one step deeper. */
		RECOVERY,

		/** An operator pinned the depth. */
		PIN

	}

}
