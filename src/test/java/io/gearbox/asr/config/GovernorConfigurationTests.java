package io.gearbox.asr.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.ExitPrior;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.inference.ModelManifest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * How the governor learns each gear's accuracy from the shipped model's manifest: a greedy gear from its exit's
 * greedy WER, a gear with the configured decoder from the WER with the language model when that decoder uses it.
 */
class GovernorConfigurationTests {

    private static final ModelManifest SHIPPED = ModelManifest.load(Path.of("models/gearbox-en"));

    private static final List<Gear> LADDER = DepthGovernor.ladder(SHIPPED.depths(), true);

    private static DecodingProperties decoding(DecodingProperties.Method method, boolean languageModel) {
        return new DecodingProperties(method, 16, 8, -6, languageModel, null, null);
    }

    @Test
    void greedyGearsTakeTheGreedyRateAndTheOthersTheRateWithTheLanguageModel() {
        assertThat(GovernorConfiguration.wordErrorRates(SHIPPED, LADDER,
                decoding(DecodingProperties.Method.BEAM, true), "synth"))
            .hasSize(LADDER.size())
            .contains(entry(Gear.fast(2), SHIPPED.exit(2).orElseThrow().devWer().get("synth")),
                    entry(Gear.full(12), SHIPPED.exit(12).orElseThrow().devWerLm().get("synth")))
            .satisfies((rates) -> assertThat(rates.get(Gear.full(12))).as("the language model's worth")
                .isLessThan(SHIPPED.exit(12).orElseThrow().devWer().get("synth") - 0.1));
    }

    @Test
    void withoutTheLanguageModelEveryGearTakesItsExitsGreedyRate() {
        assertThat(GovernorConfiguration.wordErrorRates(SHIPPED, LADDER,
                decoding(DecodingProperties.Method.BEAM, false), "fsdd"))
            .containsEntry(Gear.full(12), SHIPPED.exit(12).orElseThrow().devWer().get("fsdd"));
    }

    @Test
    void aDevelopmentSetTheManifestDoesNotNameRatesNoGear() {
        assertThat(GovernorConfiguration.wordErrorRates(SHIPPED, LADDER,
                decoding(DecodingProperties.Method.BEAM, true), "librispeech")).isEmpty();
    }

    @Test
    void thePriorsAreTheExitsMeasuredCostsRelativeToTheDeepestsWhereTheManifestHasThem() {
        List<ExitPrior> priors = GovernorConfiguration.priors(SHIPPED, SHIPPED.depths(), 0.1);
        double deepest = SHIPPED.exit(12).orElseThrow().encoderRtf();
        assertThat(priors).hasSize(6).allSatisfy((prior) -> assertThat(prior.priorCostSecondsPerAudioSecond())
            .isCloseTo(0.1 * SHIPPED.exit(prior.depth()).orElseThrow().encoderRtf() / deepest, within(1e-12)));
        // the fixed front end and head of the graph: exit 2 costs more than its share of the parameters
        assertThat(priors.get(0).priorCostSecondsPerAudioSecond()).isGreaterThan(0.1 * 580_688 / 3_087_728);
    }

    @Test
    void withoutMeasuredCostsForEveryOpenExitThePriorsFollowTheParameterCounts() {
        ModelManifest.Exit two = SHIPPED.exit(2).orElseThrow();
        ModelManifest unmeasured = new ModelManifest(SHIPPED.name(), SHIPPED.version(), SHIPPED.language(),
                SHIPPED.sampleRate(), SHIPPED.features(), SHIPPED.normalization(), SHIPPED.subsamplingFactor(),
                SHIPPED.minFeatureFrames(), SHIPPED.vocabulary(), SHIPPED.tokenType(), SHIPPED.wordBoundary(),
                SHIPPED.blankId(), SHIPPED.inputs(), SHIPPED.outputs(), SHIPPED.weights(),
                List.of(new ModelManifest.Exit(2, two.file(), two.layers(), two.parameters(), two.devWer(),
                        two.devWerLm(), null), SHIPPED.exit(12).orElseThrow()), SHIPPED.languageModel());
        assertThat(GovernorConfiguration.priors(unmeasured, List.of(2, 12), 0.1))
            .extracting(ExitPrior::priorCostSecondsPerAudioSecond)
            .satisfiesExactly(
                    (shallowest) -> assertThat(shallowest).isCloseTo(0.1 * 580_688 / 3_087_728, within(1e-12)),
                    (deepest) -> assertThat(deepest).isCloseTo(0.1, within(1e-12)));
    }

    /** The properties bound from {@code properties}, defaults for the rest, as at start-up. */
    private static <T> T bind(Class<T> type, String prefix, Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate(prefix, Bindable.of(type));
    }

    private static CorrectAnswersUnavailableException startUpFailure(Map<String, String> properties, String set) {
        GovernorProperties governor = bind(GovernorProperties.class, "asr.governor", properties);
        RecognitionProperties recognition = bind(RecognitionProperties.class, "asr.recognition", properties);
        return catchThrowableOfType(CorrectAnswersUnavailableException.class,
                () -> GovernorConfiguration.requireCorrectAnswersPossible(governor, recognition, SHIPPED, LADDER,
                        GovernorConfiguration.wordErrorRates(SHIPPED, LADDER,
                                decoding(DecodingProperties.Method.BEAM, true), set)));
    }

    @Test
    void correctAnswersOnTheShippedModelWithTheDefaultDeadlineStartsUp() {
        assertThat(startUpFailure(Map.of("asr.governor.maximise", "correct-answers"), "synth")).isNull();
    }

    @Test
    void answersNeedNeitherRatesNorADeadline() {
        assertThat(startUpFailure(Map.of("asr.governor.queue-deadline", "0"), "librispeech")).isNull();
    }

    @Test
    void correctAnswersWithoutAQueueDeadlineFailsStartUpSayingWhatToSet() {
        CorrectAnswersUnavailableException failure = startUpFailure(
                Map.of("asr.governor.maximise", "correct-answers", "asr.governor.queue-deadline", "0"), "synth");
        FailureAnalysis analysis = new CorrectAnswersUnavailableFailureAnalyzer()
            .analyze(new IllegalStateException(failure));
        assertThat(analysis.getDescription()).contains("needs a queue deadline");
        assertThat(analysis.getAction()).contains("asr.governor.queue-deadline").contains("asr.governor.maximise");
    }

    @Test
    void correctAnswersOnASetTheManifestDoesNotRateFailsStartUpNamingTheGears() {
        CorrectAnswersUnavailableException failure = startUpFailure(
                Map.of("asr.governor.maximise", "correct-answers", "asr.governor.accuracy-set", "librispeech"),
                "librispeech");
        assertThat(failure).hasMessageContaining("'librispeech'").hasMessageContaining("[2 fast, 4 fast, 6 fast, 4");
        assertThat(failure.action()).contains("DecodingBenchmark record").contains("asr.governor.accuracy-set");
    }

}
