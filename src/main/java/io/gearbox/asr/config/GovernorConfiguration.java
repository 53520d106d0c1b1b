package io.gearbox.asr.config;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.ExitPrior;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.governor.Maximise;
import io.gearbox.asr.governor.SignalSource;
import io.gearbox.asr.inference.AcousticModel;
import io.gearbox.asr.inference.ModelManifest;
import io.gearbox.asr.recognition.AdmissionQueue;
import io.gearbox.asr.recognition.GovernedDepth;
import io.gearbox.asr.signals.CpuLoadSource;
import io.gearbox.asr.signals.NvmlGpu;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the load governor around the open model: its exits with priors from their measured encoder costs or
 * their parameter counts (from the manifest, {@link #priors}), the admission queue as its load probe, the
 * {@link SignalSource} beans (process and machine
 * CPU, and a GPU's utilisation and memory through NVML when there is one), the {@link GovernedDepth} that answers
 * {@code depth=auto} and reports every utterance back, and the schedule that re-decides every
 * {@code asr.governor.evaluation-interval}.
 */
@Configuration(proxyBeanMethods = false)
class GovernorConfiguration {

    @Bean
    SignalSource processCpuSignal() {
        return CpuLoadSource.process();
    }

    @Bean
    SignalSource machineCpuSignal(GovernorProperties properties) {
        return CpuLoadSource.machine(properties.machineCpuSteers());
    }

    @Bean(destroyMethod = "close")
    NvmlGpu nvmlGpu(GovernorProperties properties) {
        return NvmlGpu.open(NvmlGpu.LIBRARY, properties.gpuIndex());
    }

    @Bean
    SignalSource gpuUtilisationSignal(NvmlGpu gpu) {
        return gpu.utilisation();
    }

    @Bean
    SignalSource gpuMemorySignal(NvmlGpu gpu) {
        return gpu.memory();
    }

    @Bean
    DepthGovernor depthGovernor(AcousticModel model, AdmissionQueue admission, GovernorProperties properties,
            RecognitionProperties recognition, DecodingProperties decoding, ObjectProvider<SignalSource> signals) {
        boolean fastGears = properties.fastGears() && decoding.method() != DecodingProperties.Method.GREEDY;
        List<Gear> ladder = DepthGovernor.ladder(model.depths(), fastGears);
        Map<Gear, Double> rates = wordErrorRates(model.manifest(), ladder, decoding, properties.accuracySet());
        requireCorrectAnswersPossible(properties, recognition, model.manifest(), ladder, rates);
        List<ExitPrior> priors = priors(model.manifest(), model.depths(), properties.priorRealTimeFactor());
        DepthGovernor governor = new DepthGovernor(priors, ladder, rates,
                properties.toSettings(), GovernedDepth.loadProbe(admission), signals.orderedStream().toList(),
                Clock.systemUTC());
        if (!properties.enabled()) {
            governor.pin(model.deepest());
        }
        if (recognition.maxQueueWait().isZero() && properties.queueDeadline() > 0) {
            // a request that has waited this share of the objective for a worker would be answered late; set here,
            // not when the queue is built, because the governor reads the queue's gauges and so comes after it
            double share = properties.queueDeadline();
            admission.limitQueueWait(() -> (long) (governor.settings().latencySlo().toNanos() * share));
        }
        governor.evaluate(); // operators see the real signals from the start
        return governor;
    }

    @Bean
    GovernedDepth governedDepth(DepthGovernor governor) {
        return new GovernedDepth(governor);
    }

    @Bean
    GovernorSchedule governorSchedule(DepthGovernor governor, GovernorProperties properties) {
        return new GovernorSchedule(governor, properties.evaluationInterval());
    }

    /**
     * @throws CorrectAnswersUnavailableException when the properties ask to maximise correct answers and the service
     * has no queue deadline (the gear it picks may serve only part of the arrivals, and without a deadline the rest
     * would queue until they are late, and every answer with them), or the manifest does not rate every gear
     */
    static void requireCorrectAnswersPossible(GovernorProperties properties, RecognitionProperties recognition,
            ModelManifest manifest, List<Gear> ladder, Map<Gear, Double> rates) {
        if (properties.maximise() != Maximise.CORRECT_ANSWERS) {
            return;
        }
        if (recognition.maxQueueWait().isZero() && properties.queueDeadline() == 0) {
            throw new CorrectAnswersUnavailableException("asr.governor.maximise=correct-answers needs a queue "
                    + "deadline, and asr.governor.queue-deadline is 0 with no asr.recognition.max-queue-wait",
                    "Set asr.governor.queue-deadline above 0 (the default is 0.5) or asr.recognition.max-queue-wait, "
                            + "or asr.governor.maximise=answers.");
        }
        if (rates.size() < ladder.size()) {
            List<Gear> unrated = ladder.stream().filter((gear) -> !rates.containsKey(gear)).toList();
            throw new CorrectAnswersUnavailableException("asr.governor.maximise=correct-answers needs the word error "
                    + "rate of every gear on the development set '" + properties.accuracySet()
                    + "' (asr.governor.accuracy-set), but the manifest of " + manifest.name() + " has none for "
                    + unrated, "Write the rates into the model's manifest.json (dev_wer from the recipe, dev_wer_lm "
                            + "from DecodingBenchmark record; models/MANIFEST.md), set asr.governor.accuracy-set to a "
                            + "development set the manifest names, or set asr.governor.maximise=answers.");
        }
    }

    /**
     * Each gear's word error rate on the development set {@code set}, from the manifest: a greedy gear's is its
     * exit's {@code dev_wer}; a gear with the configured decoder has its exit's {@code dev_wer_lm} when that
     * decoder fuses the language model in (measured at the manifest's weights and the default beam), else its
     * {@code dev_wer} (beam search alone is within about a point of greedy decoding on the shipped model). Gears
     * whose figure the manifest lacks are left out.
     */
    static Map<Gear, Double> wordErrorRates(ModelManifest manifest, List<Gear> ladder, DecodingProperties decoding,
            String set) {
        boolean withLanguageModel = decoding.method() != DecodingProperties.Method.GREEDY
                && decoding.languageModel() && manifest.languageModel() != null;
        Map<Gear, Double> rates = new LinkedHashMap<>();
        for (Gear gear : ladder) {
            manifest.exit(gear.depth())
                .map((exit) -> (withLanguageModel && !gear.isFast()) ? exit.devWerLm() : exit.devWer())
                .map((byName) -> byName.get(set))
                .ifPresent((rate) -> rates.put(gear, rate));
        }
        return rates;
    }

    /**
     * Priors for the open exits, from the manifest: each exit's measured {@code encoder_rtf} relative to the
     * deepest's when every open exit has one, else proportional to their parameter counts (by depth when the
     * manifest lacks a count), scaled so that the deepest costs {@code deepestRealTimeFactor}. The measured ratios
     * are the better shapes: the convolutional front end and the head cost the same at every exit, so exit 2 of
     * the shipped model, with 5.3x fewer parameters than exit 12, is only about 3x faster.
     */
    static List<ExitPrior> priors(ModelManifest manifest, List<Integer> depths, double deepestRealTimeFactor) {
        List<ModelManifest.Exit> exits = depths.stream().map((depth) -> manifest.exit(depth).orElseThrow()).toList();
        if (exits.stream().allMatch((exit) -> exit.encoderRtf() != null)) {
            double deepest = exits.get(exits.size() - 1).encoderRtf();
            return exits.stream()
                .map((exit) -> new ExitPrior(exit.depth(), deepestRealTimeFactor * exit.encoderRtf() / deepest))
                .toList();
        }
        Map<Integer, Long> parameters = new LinkedHashMap<>();
        boolean counted = true;
        for (ModelManifest.Exit exit : exits) {
            counted &= exit.parameters() > 0;
            parameters.put(exit.depth(), exit.parameters());
        }
        if (!counted) {
            parameters.replaceAll((depth, count) -> (long) depth);
        }
        return ExitPrior.parameterProportional(parameters, deepestRealTimeFactor);
    }

}
