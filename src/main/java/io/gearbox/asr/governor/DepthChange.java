package io.gearbox.asr.governor;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of the default gear.
 *
 * @param from the gear before
 * @param to the gear after
 * @param direction {@link Direction#UP} to a higher gear (deeper, or the full decoder), {@link Direction#DOWN} to
 * a lower one
 * @param reason why it changed
 * @param detail the figures behind the decision, for logs and operators
 * @param at when it changed
 */
public record DepthChange(Gear from, Gear to, Direction direction, Reason reason, String detail, Instant at) {

	public DepthChange {
		Objects.requireNonNull(from, "from");
		Objects.requireNonNull(to, "to");
		Objects.requireNonNull(direction, "direction");
		Objects.requireNonNull(reason, "reason");
		Objects.requireNonNull(detail, "detail");
		Objects.requireNonNull(at, "at");
		if (from.equals(to)) {
			throw new IllegalArgumentException("a change needs two different gears but both were " + from);
		}
		if ((to.compareTo(from) > 0) != (direction == Direction.UP)) {
			throw new IllegalArgumentException("direction " + direction + " does not match " + from + " -> " + to);
		}
	}

	static DepthChange of(Gear from, Gear to, Reason reason, String detail, Instant at) {
		return new DepthChange(from, to, (to.compareTo(from) > 0) ? Direction.UP : Direction.DOWN, reason, detail,
				at);
	}

	/** Which way the gear moved. */
	public enum Direction {

		/** To a higher gear: a deeper exit or the full decoder (slower, more accurate). */
		UP,

		/** To a lower gear: a shallower exit or the fast decoder (faster, less accurate). */
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

		/**
		 * All signals stayed under their low marks for the dwell time: deeper, as far as the gears predicted to keep
		 * up.
		 */
		RECOVERY,

		/**
		 * Maximising correct answers ({@link Maximise#CORRECT_ANSWERS}) under load, a deeper gear is predicted to
		 * answer more of the arrivals' words correctly on time, though it turns more of them away.
		 */
		ACCURACY,

		/** An operator pinned the depth. */
		PIN

	}

}
