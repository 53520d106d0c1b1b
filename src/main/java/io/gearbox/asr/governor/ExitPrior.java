package io.gearbox.asr.governor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An exit the governor may choose, with the cost assumed for it before any request has measured it.
 *
 * @param depth number of encoder layers, {@code >= 1}
 * @param priorCostSecondsPerAudioSecond assumed service seconds per second of audio (real-time factor),
 * {@code > 0}; only its ratio to the other exits' priors matters once any exit has been measured
 */
public record ExitPrior(int depth, double priorCostSecondsPerAudioSecond) {

	public ExitPrior {
		if (depth < 1) {
			throw new IllegalArgumentException("depth must be >= 1 but was " + depth);
		}
		if (!Double.isFinite(priorCostSecondsPerAudioSecond) || priorCostSecondsPerAudioSecond <= 0) {
			throw new IllegalArgumentException(
					"priorCostSecondsPerAudioSecond must be > 0 but was " + priorCostSecondsPerAudioSecond);
		}
	}

	/**
	 * Priors proportional to each exit's parameter count, scaled so that the deepest exit costs
	 * {@code deepestCostSecondsPerAudioSecond}.
	 * @param parametersByDepth parameter count of each exit, keyed by depth
	 * @param deepestCostSecondsPerAudioSecond assumed real-time factor of the deepest exit
	 * @return the priors, shallowest first
	 */
	public static List<ExitPrior> parameterProportional(Map<Integer, Long> parametersByDepth,
			double deepestCostSecondsPerAudioSecond) {
		if (parametersByDepth.isEmpty()) {
			throw new IllegalArgumentException("parametersByDepth must name at least one exit");
		}
		TreeMap<Integer, Long> sorted = new TreeMap<>(parametersByDepth);
		long deepest = sorted.lastEntry().getValue();
		List<ExitPrior> priors = new ArrayList<>();
		sorted.forEach((depth, parameters) -> {
			if (parameters == null || parameters <= 0) {
				throw new IllegalArgumentException("parameters of depth " + depth + " must be > 0 but was " + parameters);
			}
			priors.add(new ExitPrior(depth, deepestCostSecondsPerAudioSecond * parameters / deepest));
		});
		return List.copyOf(priors);
	}

}
