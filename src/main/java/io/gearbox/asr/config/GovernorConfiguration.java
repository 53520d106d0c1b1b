package io.gearbox.asr.config;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.ExitPrior;
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
 * Builds the load governor around the open model: its exits with priors proportional to their parameter counts
 * (from the manifest), the admission queue as its load probe, the {@link SignalSource} beans (process and machine
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
        DepthGovernor governor = new DepthGovernor(priors(model, properties.priorRealTimeFactor()), fastGears,
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
     * Priors for the open exits, proportional to their parameter counts; by depth when the manifest lacks a count.
     */
    static List<ExitPrior> priors(AcousticModel model, double deepestRealTimeFactor) {
        ModelManifest manifest = model.manifest();
        Map<Integer, Long> parameters = new LinkedHashMap<>();
        boolean counted = true;
        for (int depth : model.depths()) {
            long count = manifest.exit(depth).map(ModelManifest.Exit::parameters).orElse(0L);
            counted &= count > 0;
            parameters.put(depth, count);
        }
        if (!counted) {
            parameters.replaceAll((depth, count) -> (long) depth);
        }
        return ExitPrior.parameterProportional(parameters, deepestRealTimeFactor);
    }

}
