package io.gearbox.asr.governor;

/**
 * What one completed request tells the governor.
 *
 * <p>Report only requests that produced an answer (or failed after using a worker); a request refused at
 * admission never reached a worker and says nothing about the cost of an exit.
 *
 * @param depth the exit that served the request (also when the client pinned it)
 * @param decoding how the exit's output was decoded
 * @param audioSeconds length of the audio in seconds, {@code >= 0}
 * @param queueWaitNanos time from admission until a worker started on it
 * @param serviceNanos time a worker spent on it (audio decoding, features, encoder, CTC decoding)
 * @param frontEndNanos the part of {@code serviceNanos} spent before the encoder, decoding the upload and computing
 * its features, which every exit pays alike; {@code 0} when not measured apart, which counts it in the exit's cost
 * @param ctcDecodeNanos the part of {@code serviceNanos} spent CTC-decoding the exit's output; {@code 0} when not
 * measured apart, which counts the decoder in the exit's cost. With {@code frontEndNanos}, at most
 * {@code serviceNanos}
 * @param latencyNanos end-to-end latency as the client sees it, from arrival to answer
 */
public record RequestSample(int depth, Gear.Decoding decoding, double audioSeconds, long queueWaitNanos,
		long serviceNanos, long frontEndNanos, long ctcDecodeNanos, long latencyNanos) {

	/** A request served with the full decoder, no part of its service time measured apart. */
	public RequestSample(int depth, double audioSeconds, long queueWaitNanos, long serviceNanos, long latencyNanos) {
		this(depth, Gear.Decoding.FULL, audioSeconds, queueWaitNanos, serviceNanos, 0, 0, latencyNanos);
	}

	public RequestSample {
		if (decoding == null) {
			throw new IllegalArgumentException("decoding must not be null");
		}
		if (!Double.isFinite(audioSeconds) || audioSeconds < 0) {
			throw new IllegalArgumentException("audioSeconds must be finite and >= 0 but was " + audioSeconds);
		}
		if (queueWaitNanos < 0) {
			throw new IllegalArgumentException("queueWaitNanos must be >= 0 but was " + queueWaitNanos);
		}
		if (serviceNanos < 0) {
			throw new IllegalArgumentException("serviceNanos must be >= 0 but was " + serviceNanos);
		}
		if (frontEndNanos < 0 || ctcDecodeNanos < 0 || frontEndNanos > serviceNanos - ctcDecodeNanos) {
			throw new IllegalArgumentException("frontEndNanos and ctcDecodeNanos must be >= 0 and together at most "
					+ "serviceNanos but were " + frontEndNanos + " and " + ctcDecodeNanos);
		}
		if (latencyNanos < 0) {
			throw new IllegalArgumentException("latencyNanos must be >= 0 but was " + latencyNanos);
		}
	}

}
