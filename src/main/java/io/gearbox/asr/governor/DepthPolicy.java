package io.gearbox.asr.governor;

import java.util.Locale;
import java.util.OptionalDouble;

import io.gearbox.asr.governor.DepthChange.Reason;

/**
 * The decision rule of {@link DepthGovernor} as a pure function of the settings, the observation and the
 * policy's memory (current exit, time of the last change, start of the calm period). See
 * {@link DepthGovernor} for the formula and the states.
 */
final class DepthPolicy {

	/** Marks an absent time in {@link Memory}. */
	static final long NEVER = Long.MIN_VALUE;

	private DepthPolicy() {
	}

	/**
	 * Predicted end-to-end latency at each exit of a request of {@code audioSeconds} arriving behind
	 * {@code backlog} requests of {@code meanAudioSeconds} on {@code workers} workers:
	 * {@code cost(e) * (audioSeconds + meanAudioSeconds * backlog / workers)}.
	 */
	static double[] predict(double[] cost, double backlog, int workers, double meanAudioSeconds,
			double audioSeconds) {
		double queuedAudioSeconds = meanAudioSeconds * backlog / workers;
		double[] latency = new double[cost.length];
		for (int i = 0; i < cost.length; i++) {
			latency[i] = cost[i] * (audioSeconds + queuedAudioSeconds);
		}
		return latency;
	}

	/**
	 * The fraction of the workers' time that the requests arriving at {@code arrivalsPerSecond}, of
	 * {@code meanAudioSeconds} each, would take at each exit: {@code λ · Ā · cost(e) / workers}. Above 1 the exit
	 * cannot keep up at any queue length.
	 */
	static double[] offeredLoad(double[] cost, double arrivalsPerSecond, double meanAudioSeconds, int workers) {
		double[] load = new double[cost.length];
		for (int i = 0; i < cost.length; i++) {
			load[i] = arrivalsPerSecond * meanAudioSeconds * cost[i] / workers;
		}
		return load;
	}

	/**
	 * Requests a new arrival waits for: {@code max(0, queued + inFlight - workers + 1)}. One that finds a free
	 * worker waits for nothing; one that finds all workers busy and {@code q} queued ahead waits for {@code q + 1}
	 * departures, which come {@code workers} at a time.
	 */
	static double backlog(LoadProbe.Load load) {
		return Math.max(0L, (long) load.queued() + load.inFlight() - load.workers() + 1);
	}

	static Decision decide(GovernorSettings settings, Observation observation, Memory memory) {
		int current = memory.gearIndex();
		int deepest = observation.cost().length - 1;
		double slo = seconds(settings.latencySlo().toNanos());
		double goal = slo * settings.predictionTarget();
		double[] predicted = observation.predictedSeconds();
		double[] predictedNow = observation.predictedNowSeconds();
		long now = observation.nowNanos();
		boolean coolingDown = memory.lastChangeNanos() != NEVER
				&& now - memory.lastChangeNanos() < settings.cooldown().toNanos();
		OptionalDouble p95 = observation.p95LatencySeconds();
		OptionalDouble utilisation = observation.utilisation();

		Reason trigger = null;
		String why = null;
		if (p95.isPresent() && p95.getAsDouble() > slo) {
			trigger = Reason.LATENCY;
			why = String.format(Locale.ROOT, "p95 %.3f s > objective %.3f s", p95.getAsDouble(), slo);
		}
		else if (observation.costsMeasured()
				&& Math.min(predicted[current], observation.predictedAtWindowCostSeconds()[current]) > slo) {
			// priced at both costs: a stall that slows the last few requests inflates the cost model's scale
			// several times over, while the window's busy time, like the backlog, tells a stall from a queue that lasts
			trigger = Reason.QUEUE;
			why = String.format(Locale.ROOT, "predicted %.3f s (%.3f s at the window's cost) > objective %.3f s",
					predicted[current], observation.predictedAtWindowCostSeconds()[current], slo);
		}
		else if (observation.offeredLoadKnown() && observation.offeredLoad()[current] > settings.utilisationHigh()) {
			trigger = Reason.OVERLOAD;
			why = String.format(Locale.ROOT, "offered load %.2f > high mark %.2f (%.1f requests/s)",
					observation.offeredLoad()[current], settings.utilisationHigh(),
					observation.arrivalsPerSecond().orElse(0));
		}
		else if (utilisation.isPresent() && utilisation.getAsDouble() > settings.utilisationHigh()) {
			trigger = Reason.UTILISATION;
			why = String.format(Locale.ROOT, "utilisation %.2f > high mark %.2f", utilisation.getAsDouble(),
					settings.utilisationHigh());
		}
		if (trigger != null) {
			boolean byValue = settings.maximise() == Maximise.CORRECT_ANSWERS && observation.offeredLoadKnown();
			if (current == 0 && (!byValue || trigger == Reason.LATENCY)) {
				return Decision.hold(current, PolicyState.AT_SHALLOWEST, why + "; already at the shallowest exit",
						NEVER);
			}
			boolean overloaded = observation.offeredLoadKnown()
					&& observation.offeredLoad()[current] > settings.utilisationHigh();
			if (coolingDown && memory.shedding() && overloaded && !byValue) {
				// A jump down made on a rate still rising at the start of a spike: the gear it chose cannot keep up
				// at any queue length, so waiting out the cooldown there only turns requests away. Going further
				// down is no flap, and the offered load is a prediction at this gear on fresh arrivals, not the
				// latencies that caused the last move. Not when maximising correct answers: turning away what a gear
				// cannot serve is that mode's design, and a value computed on a rate still rising favours the
				// shallow gears, which look able to serve everyone.
				trigger = Reason.OVERLOAD;
				why = String.format(Locale.ROOT, "offered load %.2f > high mark %.2f (%.1f requests/s) "
						+ "right after shedding", observation.offeredLoad()[current], settings.utilisationHigh(),
						observation.arrivalsPerSecond().orElse(0));
			}
			else if (coolingDown) {
				return Decision.hold(current, PolicyState.COOLING_DOWN, why + "; cooling down", NEVER);
			}
			if (byValue) {
				return mostCorrectAnswers(settings, observation, memory, trigger, why);
			}
			int target = 0;
			for (int i = current - 1; i >= 0; i--) {
				if (predictedNow[i] <= goal && keepsUp(settings, observation, i)) {
					target = i;
					break;
				}
			}
			boolean within = target > 0 || (predictedNow[0] <= goal && keepsUp(settings, observation, 0));
			String detail = String.format(Locale.ROOT, "%s; %s %s predicted at %.3f s (goal %.3f s)%s%s", why,
					within ? "highest gear within goal:" : "no gear within goal, lowest:",
					observation.gears()[target], predictedNow[target], goal, offered(observation, target),
					load(observation));
			return Decision.move(target, trigger, detail, NEVER);
		}

		if (current == deepest) {
			return Decision.hold(current, PolicyState.AT_DEEPEST, "under the high marks at the deepest exit", NEVER);
		}
		String blocker = null;
		if (observation.rejectedSinceChange() > 0) {
			// the answers can all be fast while a full queue turns the excess away: no step up while it does
			blocker = String.format(Locale.ROOT, "%d requests turned away since the last change",
					observation.rejectedSinceChange());
		}
		else if (p95.isPresent() && p95.getAsDouble() > slo * settings.latencyLowFraction()) {
			blocker = String.format(Locale.ROOT, "p95 %.3f s above low mark %.3f s", p95.getAsDouble(),
					slo * settings.latencyLowFraction());
		}
		else if (utilisation.isPresent() && utilisation.getAsDouble() > settings.utilisationLow()) {
			blocker = String.format(Locale.ROOT, "utilisation %.2f above low mark %.2f", utilisation.getAsDouble(),
					settings.utilisationLow());
		}
		else {
			blocker = deeperGearBlocker(settings, observation, current, current + 1);
		}
		if (blocker != null) {
			return Decision.hold(current, PolicyState.HOLDING, blocker, NEVER);
		}
		long calmSince = (memory.calmSinceNanos() == NEVER) ? now : memory.calmSinceNanos();
		long calmFor = now - calmSince;
		if (calmFor < settings.dwell().toNanos()) {
			return Decision.hold(current, PolicyState.DWELLING, String.format(Locale.ROOT,
					"under the low marks for %.1f s of %.1f s", seconds(calmFor), seconds(settings.dwell().toNanos())),
					calmSince);
		}
		if (coolingDown) {
			return Decision.hold(current, PolicyState.COOLING_DOWN, "under the low marks; cooling down", calmSince);
		}
		int target = current + 1;
		while (target < deepest && deeperGearBlocker(settings, observation, current, target + 1) == null) {
			target++;
		}
		String detail = String.format(Locale.ROOT, "under the low marks for %.1f s; %s %s predicted at %.3f s%s%s",
				seconds(calmFor), (target == deepest) ? "deepest gear" : "deepest gear that keeps up:",
				observation.gears()[target], predicted[target], offered(observation, target), load(observation));
		return Decision.move(target, Reason.RECOVERY, detail, now);
	}

	/**
	 * A high mark is crossed while maximising correct answers: move to the gear with the most
	 * {@link #correctAnswers}, in either direction, unless the current gear is within
	 * {@link #CORRECT_ANSWERS_TOLERANCE} of it (then hold and let the queue's deadline turn the excess away). Under
	 * {@link Reason#LATENCY} the answers are late as measured: the value's premise, that the deadline keeps the
	 * served answers on time, has failed at the current gear, so neither it nor a deeper gear is a candidate and the
	 * move goes shallower. Nothing moves within the cooldown. A move deeper waits for the {@code dwell} after the
	 * last change, as a recovery does, and never goes to a gear predicted
	 * late behind the current backlog: so a gear whose answers turn out late under the load is left for a dwell, not
	 * flapped back to, and a queue predicted late ({@link Reason#QUEUE}) never moves it deeper. That prediction alone
	 * does not rule out the current gear: it counts every queued request as served, where the deadline this mode
	 * requires turns away those that waited too long, so at two or three times the capacity it hovers about the
	 * objective while the answers are on time.
	 */
	private static Decision mostCorrectAnswers(GovernorSettings settings, Observation observation, Memory memory,
			Reason trigger, String why) {
		int current = memory.gearIndex();
		double goal = seconds(settings.latencySlo().toNanos()) * settings.predictionTarget();
		double[] value = correctAnswers(observation, goal);
		boolean currentLate = trigger == Reason.LATENCY;
		int last = currentLate ? current - 1 : value.length - 1;
		int best = 0;
		for (int i = 1; i <= last; i++) {
			if (value[i] > value[best]) {
				best = i;
			}
		}
		if (!currentLate && value[current] >= (1 - CORRECT_ANSWERS_TOLERANCE) * value[best]) {
			best = current;
		}
		String detail = String.format(Locale.ROOT, "%s; most correct answers on time: %s (%s)%s; at %s %s", why,
				observation.gears()[best], valueOf(observation, value, best), load(observation),
				observation.gears()[current], valueOf(observation, value, current));
		if (best == current) {
			return Decision.hold(current, PolicyState.SHEDDING, detail, NEVER);
		}
		if (best > current) {
			long sinceChange = observation.nowNanos() - memory.lastChangeNanos();
			if (memory.lastChangeNanos() != NEVER && sinceChange < settings.dwell().toNanos()) {
				return Decision.hold(current, PolicyState.SHEDDING, String.format(Locale.ROOT,
						"%s; deeper after %.1f s of %.1f s since the last change", detail, seconds(sinceChange),
						seconds(settings.dwell().toNanos())), NEVER);
			}
			if (observation.predictedNowSeconds()[best] > goal) {
				// the backlog ahead would make its answers late: what a move deeper may never risk
				return Decision.hold(current, PolicyState.SHEDDING, String.format(Locale.ROOT,
						"%s; %s predicted at %.3f s behind the queue > goal %.3f s", detail,
						observation.gears()[best], observation.predictedNowSeconds()[best], goal), NEVER);
			}
			return Decision.move(best, Reason.ACCURACY, detail, NEVER);
		}
		return Decision.move(best, trigger, detail, NEVER);
	}

	/**
	 * How close the current gear's {@link #correctAnswers} may come to the best's and still be kept: the
	 * estimates rest on a noisy arrival rate and cost, and moving between two gears of about the same value would
	 * only flap.
	 */
	static final double CORRECT_ANSWERS_TOLERANCE = 0.05;

	/**
	 * The expected share of the arriving requests' words that each gear answers correctly within the objective:
	 * {@code min(1, 1 / ρ(e)) · (1 − WER(e))}, the share of the arrivals its workers can serve (the queue's
	 * deadline turns the rest away before they are late) times the share of their words it gets right; 0 for a
	 * gear whose own service time, with no queue, is predicted over {@code goal}.
	 */
	static double[] correctAnswers(Observation observation, double goal) {
		double[] value = new double[observation.gears().length];
		for (int i = 0; i < value.length; i++) {
			double served = Math.min(1, 1 / Math.max(observation.offeredLoad()[i], Double.MIN_NORMAL));
			value[i] = (observation.serviceSeconds()[i] <= goal) ? served * observation.accuracy()[i] : 0;
		}
		return value;
	}

	private static String valueOf(Observation observation, double[] value, int i) {
		return String.format(Locale.ROOT, "%.3f: serves %.0f%% at WER %.1f%%", value[i],
				100 * Math.min(1, 1 / observation.offeredLoad()[i]), 100 * (1 - observation.accuracy()[i]));
	}

	/**
	 * What keeps the policy from moving from gear {@code current} up to the deeper gear {@code next}, or
	 * {@code null} when {@code next} passes the low marks' predictions: its latency within the goal, its offered
	 * load and the utilisation scaled to its cost at most the {@link #midMark}. The step to {@code current + 1} and
	 * the jump beyond it ask the same question.
	 */
	private static String deeperGearBlocker(GovernorSettings settings, Observation observation, int current,
			int next) {
		double goal = seconds(settings.latencySlo().toNanos()) * settings.predictionTarget();
		double predicted = observation.predictedSeconds()[next];
		if (predicted > goal) {
			return String.format(Locale.ROOT, "next exit predicted at %.3f s > %.3f s", predicted, goal);
		}
		if (!keepsUp(settings, observation, next)) {
			return String.format(Locale.ROOT, "next exit predicted at offered load %.2f > mid mark %.2f",
					observation.offeredLoad()[next], midMark(settings));
		}
		OptionalDouble utilisation = observation.utilisation();
		if (utilisation.isPresent()) {
			double scaled = utilisation.getAsDouble() * observation.cost()[next] / observation.cost()[current];
			if (scaled > midMark(settings)) {
				return String.format(Locale.ROOT, "next exit predicted at utilisation %.2f > mid mark %.2f", scaled,
						midMark(settings));
			}
		}
		return null;
	}

	/**
	 * The utilisation a step deeper may be predicted to reach: half-way between the marks, so that the noise of a
	 * busy fraction does not carry it over the high mark and straight back.
	 */
	static double midMark(GovernorSettings settings) {
		return (settings.utilisationLow() + settings.utilisationHigh()) / 2;
	}

	/**
	 * Whether exit {@code i} would serve the arriving requests with room to spare: its offered load at most the
	 * {@link #midMark}, or not known yet.
	 */
	static boolean keepsUp(GovernorSettings settings, Observation observation, int i) {
		return !observation.offeredLoadKnown() || observation.offeredLoad()[i] <= midMark(settings);
	}

	private static String offered(Observation observation, int i) {
		return observation.offeredLoadKnown()
				? String.format(Locale.ROOT, ", offered load %.2f", observation.offeredLoad()[i]) : "";
	}

	private static String load(Observation observation) {
		LoadProbe.Load load = observation.load();
		return String.format(Locale.ROOT, " (in flight %d/%d, queued %d)", load.inFlight(), load.workers(),
				load.queued());
	}

	static double seconds(long nanos) {
		return nanos / 1e9;
	}

	/**
	 * What the policy sees at one evaluation.
	 *
	 * @param nowNanos the time, in nanoseconds on the governor's clock
	 * @param p95LatencySeconds p95 of end-to-end latency of the requests completed in the window since the last
	 * change, when at least {@code minSamples} did
	 * @param utilisation largest reading of the healthy steering sources, if any
	 * @param load the work in the service
	 * @param gears the ladder, lowest gear first
	 * @param cost service seconds per audio second of each gear, lowest first
	 * @param costsMeasured whether any request has been measured, so that {@code cost} is more than the priors
	 * @param predictedSeconds predicted end-to-end latency of a typical request at each exit, behind the smoothed
	 * backlog
	 * @param predictedNowSeconds the same behind the larger of the smoothed and the current backlog
	 * @param predictedAtWindowCostSeconds the same as {@code predictedSeconds} at the workers' busy time over the
	 * window ({@code c_w}) instead of the cost model's scale
	 * @param arrivalsPerSecond requests arriving per second, served and turned away, once measurable
	 * @param offeredLoad {@link #offeredLoad} at each exit, shallowest first; meaningful only when
	 * {@link #offeredLoadKnown()}
	 * @param rejectedSinceChange requests turned away in the window since the last change (in the whole window
	 * when there was none)
	 * @param serviceSeconds predicted latency of a typical request at each exit with no queue ahead of it
	 * @param accuracy {@code 1 − WER} of each gear, at least 0; NaN where the model gives no word error rate
	 */
	record Observation(long nowNanos, OptionalDouble p95LatencySeconds, OptionalDouble utilisation,
			LoadProbe.Load load, Gear[] gears, double[] cost, boolean costsMeasured, double[] predictedSeconds,
			double[] predictedNowSeconds, double[] predictedAtWindowCostSeconds, OptionalDouble arrivalsPerSecond,
			double[] offeredLoad, long rejectedSinceChange, double[] serviceSeconds, double[] accuracy) {

		/** Whether the offered load rests on measured costs and a measured arrival rate. */
		boolean offeredLoadKnown() {
			return this.costsMeasured && this.arrivalsPerSecond.isPresent();
		}

	}

	/**
	 * What the policy remembers between evaluations.
	 *
	 * @param gearIndex index of the current gear, lowest = 0
	 * @param lastChangeNanos time of the last change, or {@link #NEVER}
	 * @param calmSinceNanos since when every signal has been under its low mark, or {@link #NEVER}
	 * @param shedding whether the last change was the policy's own move to a lower gear (not a pin, not a recovery)
	 */
	record Memory(int gearIndex, long lastChangeNanos, long calmSinceNanos, boolean shedding) {
	}

	/**
	 * The outcome of one evaluation.
	 *
	 * @param gearIndex the gear to serve, index lowest = 0
	 * @param reason why it moves, or {@code null} when it holds
	 * @param state where the policy stands
	 * @param detail the figures behind it
	 * @param calmSinceNanos the start of the calm period to remember, or {@link #NEVER}
	 */
	record Decision(int gearIndex, Reason reason, PolicyState state, String detail, long calmSinceNanos) {

		static Decision hold(int gearIndex, PolicyState state, String detail, long calmSinceNanos) {
			return new Decision(gearIndex, null, state, detail, calmSinceNanos);
		}

		static Decision move(int gearIndex, Reason reason, String detail, long calmSinceNanos) {
			return new Decision(gearIndex, reason, PolicyState.COOLING_DOWN, detail, calmSinceNanos);
		}

		boolean moves() {
			return this.reason != null;
		}

	}

}
