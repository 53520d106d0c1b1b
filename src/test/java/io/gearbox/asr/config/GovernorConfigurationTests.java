package io.gearbox.asr.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.file.Path;
import java.util.List;

import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.inference.ModelManifest;
import org.junit.jupiter.api.Test;

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

}
