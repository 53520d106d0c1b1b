package io.gearbox.asr.audio;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A growable float array with a hard cap, so that no stream can make a decoder
 * allocate more than the duration limit allows, whatever its header said.
 */
final class MonoBuffer {

	private static final int INITIAL_CAPACITY = 16_384;

	private final long maxFrames;

	private final Supplier<AudioTooLongException> tooLong;

	private float[] samples;

	private int size;

	MonoBuffer(long maxFrames, long expectedFrames, Supplier<AudioTooLongException> tooLong) {
		this.maxFrames = maxFrames;
		this.tooLong = tooLong;
		long initial = Math.min(Math.max(expectedFrames, INITIAL_CAPACITY), maxFrames);
		this.samples = new float[(int) Math.max(initial, 1)];
	}

	/** Appends one mono sample; non-finite values become 0. */
	void add(float sample) {
		if (this.size == this.samples.length) {
			grow();
		}
		this.samples[this.size++] = Float.isFinite(sample) ? sample : 0f;
	}

	int size() {
		return this.size;
	}

	float[] toArray() {
		return (this.size == this.samples.length) ? this.samples : Arrays.copyOf(this.samples, this.size);
	}

	private void grow() {
		if (this.size >= this.maxFrames) {
			throw this.tooLong.get();
		}
		long next = Math.min((long) this.samples.length * 2, this.maxFrames);
		this.samples = Arrays.copyOf(this.samples, (int) next);
	}

}
