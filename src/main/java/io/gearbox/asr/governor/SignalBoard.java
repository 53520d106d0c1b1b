package io.gearbox.asr.governor;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Reads the signal sources and the load probe and remembers how each one is doing. A source that fails is logged
 * once when it starts failing and once when it recovers, reported in its {@link SourceStatus}, and left out of
 * the utilisation until it reads again.
 *
 * <p>Each source's readings are smoothed by an exponentially weighted mean with time constant {@code tau}:
 * {@code s += (1 - exp(-dt / tau)) * (reading - s)}, restarting from the first reading after a failure. A single
 * reading of a busy fraction over a second is mostly noise at moderate load; the mean is what the policy uses.
 */
final class SignalBoard {

	private static final System.Logger logger = System.getLogger(SignalBoard.class.getName());

	private final List<SignalSource> sources;

	private final SourceStatus[] statuses;

	private final LoadProbe loadProbe;

	private SourceStatus loadStatus;

	private LoadProbe.Load lastLoad;

	private OptionalDouble utilisation = OptionalDouble.empty();

	SignalBoard(List<SignalSource> sources, LoadProbe loadProbe, int assumedWorkers) {
		this.sources = List.copyOf(sources);
		this.loadProbe = loadProbe;
		this.statuses = new SourceStatus[this.sources.size()];
		for (int i = 0; i < this.statuses.length; i++) {
			SignalSource source = this.sources.get(i);
			this.statuses[i] = unknown(nameOf(source), source.steersDepth());
		}
		this.loadStatus = unknown(SourceStatus.LOAD_PROBE_NAME, true);
		this.lastLoad = LoadProbe.Load.idle(assumedWorkers);
	}

	private static SourceStatus unknown(String name, boolean steers) {
		return new SourceStatus(name, steers, SourceStatus.State.UNKNOWN, OptionalDouble.empty(),
				OptionalDouble.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0);
	}

	private static String nameOf(SignalSource source) {
		try {
			String name = source.name();
			return (name != null) ? name : source.getClass().getName();
		}
		catch (RuntimeException ex) {
			return source.getClass().getName();
		}
	}

	/**
	 * Reads every source and the load probe once.
	 * @param now the time of the reading
	 * @param tauNanos time constant of the smoothing
	 */
	synchronized void sample(Instant now, long tauNanos) {
		double max = Double.NaN;
		for (int i = 0; i < this.statuses.length; i++) {
			SourceStatus before = this.statuses[i];
			SourceStatus after;
			try {
				OptionalDouble reading = this.sources.get(i).read();
				if (reading == null || reading.isEmpty()) {
					after = failed(before, "no reading", now);
				}
				else if (!(reading.getAsDouble() >= 0 && reading.getAsDouble() <= 1)) {
					after = failed(before, "reading out of [0, 1]: " + reading.getAsDouble(), now);
				}
				else {
					after = succeeded(before, reading.getAsDouble(), now, tauNanos);
					if (after.steersDepth() && !(after.smoothed().getAsDouble() <= max)) {
						max = after.smoothed().getAsDouble();
					}
				}
			}
			catch (Exception | LinkageError ex) {
				after = failed(before, describe(ex), now);
			}
			this.statuses[i] = after;
		}
		this.utilisation = Double.isNaN(max) ? OptionalDouble.empty() : OptionalDouble.of(max);
		try {
			LoadProbe.Load load = this.loadProbe.read();
			if (load == null) {
				this.loadStatus = failed(this.loadStatus, "no reading", now);
			}
			else {
				this.lastLoad = load;
				this.loadStatus = succeeded(this.loadStatus, load.queued() + load.inFlight(), now, 0);
			}
		}
		catch (RuntimeException ex) {
			this.loadStatus = failed(this.loadStatus, describe(ex), now);
		}
	}

	private static String describe(Throwable ex) {
		return (ex.getMessage() != null) ? ex.getClass().getSimpleName() + ": " + ex.getMessage()
				: ex.getClass().getSimpleName();
	}

	private static SourceStatus succeeded(SourceStatus before, double value, Instant now, long tauNanos) {
		if (before.state() == SourceStatus.State.FAILING) {
			logger.log(Level.INFO, "Governor signal ''{0}'' reads again after {1} failures", before.name(),
					before.consecutiveFailures());
		}
		double smoothed = value;
		if (before.smoothed().isPresent() && before.lastReadAt().isPresent() && tauNanos > 0) {
			long dt = Math.max(0, Duration.between(before.lastReadAt().get(), now).toNanos());
			double weight = 1 - Math.exp(-(double) dt / tauNanos);
			smoothed = before.smoothed().getAsDouble() + weight * (value - before.smoothed().getAsDouble());
		}
		return new SourceStatus(before.name(), before.steersDepth(), SourceStatus.State.OK, OptionalDouble.of(value),
				OptionalDouble.of(smoothed), Optional.of(now), before.lastError(), Optional.empty(), 0);
	}

	private static SourceStatus failed(SourceStatus before, String error, Instant now) {
		if (before.state() != SourceStatus.State.FAILING) {
			logger.log(Level.WARNING, "Governor signal ''{0}'' failed and is ignored until it reads again: {1}",
					before.name(), error);
		}
		Instant since = before.failingSince().orElse(now);
		return new SourceStatus(before.name(), before.steersDepth(), SourceStatus.State.FAILING, before.value(),
				OptionalDouble.empty(), before.lastReadAt(), Optional.of(error), Optional.of(since), before.consecutiveFailures() + 1);
	}

	/** Largest smoothed utilisation among the steering sources whose last read succeeded; empty when none did. */
	synchronized OptionalDouble utilisation() {
		return this.utilisation;
	}

	/** The last good load reading (idle until the probe first answers). */
	synchronized LoadProbe.Load load() {
		return this.lastLoad;
	}

	/** Every source's status, the load probe's last. */
	synchronized List<SourceStatus> statuses() {
		List<SourceStatus> all = new ArrayList<>(List.of(this.statuses));
		all.add(this.loadStatus);
		return List.copyOf(all);
	}

}
