package io.gearbox.asr.governor;

/**
 * Gauges of the work in the service right now, read on every {@link DepthGovernor#evaluate()}.
 *
 * <p>Must be quick and must not block (reading a few counters). If it throws, the governor keeps the last good
 * reading and reports the probe as failing.
 */
@FunctionalInterface
public interface LoadProbe {

	/** The current load. */
	Load read();

	/**
	 * A reading of the load.
	 *
	 * @param inFlight requests a worker is serving now, {@code 0..workers}
	 * @param queued requests admitted and waiting for a worker
	 * @param workers how many requests can be served at once (inference workers), {@code >= 1}
	 */
	record Load(int inFlight, int queued, int workers) {

		public Load {
			if (inFlight < 0) {
				throw new IllegalArgumentException("inFlight must be >= 0 but was " + inFlight);
			}
			if (queued < 0) {
				throw new IllegalArgumentException("queued must be >= 0 but was " + queued);
			}
			if (workers < 1) {
				throw new IllegalArgumentException("workers must be >= 1 but was " + workers);
			}
		}

		/** No work at all on {@code workers} workers. */
		public static Load idle(int workers) {
			return new Load(0, 0, workers);
		}

	}

}
