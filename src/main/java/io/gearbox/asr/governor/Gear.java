package io.gearbox.asr.governor;

import java.util.Locale;
import java.util.Objects;

/**
 * One way to serve a request, a rung on the governor's ladder: an exit (encoder depth) and how its output is
 * decoded. {@link Decoding#FULL} is the service's configured decoder (beam search with the language model by
 * default); {@link Decoding#FAST} is greedy CTC decoding, which costs next to nothing but reads the acoustic
 * model's best label per frame without a lexicon or a language model, so it is the less accurate.
 *
 * <p>Gears compare by depth, and at the same depth the fast decoding first; the ladders the service builds
 * ({@link DepthGovernor#ladder}) climb in that order. The governor assumes cost and accuracy rise along its ladder.
 *
 * @param depth the exit, {@code >= 1}
 * @param decoding how its output is decoded
 */
public record Gear(int depth, Decoding decoding) implements Comparable<Gear> {

	public Gear {
		if (depth < 1) {
			throw new IllegalArgumentException("depth must be >= 1 but was " + depth);
		}
		Objects.requireNonNull(decoding, "decoding");
	}

	/** The exit {@code depth} with the service's configured decoder. */
	public static Gear full(int depth) {
		return new Gear(depth, Decoding.FULL);
	}

	/** The exit {@code depth} with greedy decoding. */
	public static Gear fast(int depth) {
		return new Gear(depth, Decoding.FAST);
	}

	/** Whether this gear decodes greedily. */
	public boolean isFast() {
		return this.decoding == Decoding.FAST;
	}

	@Override
	public int compareTo(Gear other) {
		int byDepth = Integer.compare(this.depth, other.depth);
		// FAST is declared after FULL, so reverse: at one depth the fast decoding is the lower gear
		return (byDepth != 0) ? byDepth : other.decoding.compareTo(this.decoding);
	}

	/** {@code "6"} for a full gear, {@code "2 fast"} for a fast one: how logs and decisions name it. */
	@Override
	public String toString() {
		return isFast() ? this.depth + " " + this.decoding.label() : Integer.toString(this.depth);
	}

	/** How a gear decodes the exit's output. */
	public enum Decoding {

		/** The service's configured decoder: beam search with the language model by default. */
		FULL,

		/** Greedy CTC decoding: the best label per frame, no lexicon, no language model. */
		FAST;

		/** {@code "full"} or {@code "fast"}: the name in the API, the metrics and the logs. */
		public String label() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
