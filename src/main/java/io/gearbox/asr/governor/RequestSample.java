package io.gearbox.asr.governor;

/**
 * What one completed request tells the governor.
 *
 * <p>Report only requests that produced an answer (or failed after using a worker); a request refused at
 * admission never reached a worker and says nothing about the cost of an exit.
 *
 * @param depth the exit that served the request (also when the client pinned it)
 * @param audioSeconds length of the audio in seconds, {@code >= 0}
 * @param queueWaitNanos time from admission until a worker started on it
 * @param serviceNanos time a worker spent on it (features, encoder, decoding)
 * @param latencyNanos end-to-end latency as the client sees it, from arrival to answer
 */
public record RequestSample(int depth, double audioSeconds, long queueWaitNanos, long serviceNanos,
		long latencyNanos) {

	public RequestSample {
		if (!Double.isFinite(audioSeconds) || audioSeconds < 0) {
			throw new IllegalArgumentException("audioSeconds must be finite and >= 0 but was " + audioSeconds);
		}
		if (queueWaitNanos < 0) {
			throw new IllegalArgumentException("queueWaitNanos must be >= 0 but was " + queueWaitNanos);
		}
		if (serviceNanos < 0) {
			throw new IllegalArgumentException("serviceNanos must be >= 0 but was " + serviceNanos);
		}
		if (latencyNanos < 0) {
			throw new IllegalArgumentException("latencyNanos must be >= 0 but was " + latencyNanos);
		}
	}

}
