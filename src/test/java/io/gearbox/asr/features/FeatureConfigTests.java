package io.gearbox.asr.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class FeatureConfigTests {

    @Test
    void defaultsMatchTheModelContract() {
        FeatureConfig config = FeatureConfig.defaults();
        assertThat(config).isEqualTo(new FeatureConfig(16000, 80, 400, 160, 512, 20.0, 7600.0, 1e-6));
        assertThat(config.numFftBins()).isEqualTo(257);
    }

    @Test
    void rejectsAnFftShorterThanTheFrame() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new FeatureConfig(16000, 80, 400, 160, 256, 20, 7600, 1e-6))
                .withMessageContaining("256");
    }

    @Test
    void rejectsAHighFrequencyAboveNyquist() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new FeatureConfig(16000, 80, 400, 160, 512, 20, 8001, 1e-6))
                .withMessageContaining("8001");
    }

    @Test
    void rejectsNonPositiveSizesAndOffsets() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new FeatureConfig(16000, 0, 400, 160, 512, 20, 7600, 1e-6))
                .withMessageContaining("numMelBins");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new FeatureConfig(16000, 80, 400, 0, 512, 20, 7600, 1e-6))
                .withMessageContaining("frameShift");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new FeatureConfig(16000, 80, 400, 160, 512, 20, 7600, 0))
                .withMessageContaining("logOffset");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new FeatureConfig(16000, 80, 400, 160, 512, 500, 400, 1e-6))
                .withMessageContaining("highFreq");
    }
}
