package io.gearbox.asr.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DecodingBenchmarkTests {

    @Test
    void referencesLoseCapitalsAndPunctuationAsTheRecipesTextDoes() {
        assertThat(DecodingBenchmark.normalise("It has a semi-prehensile tail, needle sharp teeth and a long snout."))
            .isEqualTo("it has a semi prehensile tail needle sharp teeth and a long snout");
        assertThat(DecodingBenchmark.normalise("\"Where's Tom?\" she asked; Tom’s 'friend' (Ann) & I answered!"))
            .isEqualTo("where's tom she asked tom's friend ann and i answered");
    }

    @Test
    void normalisedReferencesAreLeftAsTheyAre() {
        String recipe = "on the mast already i see the light play of a lambent saint elmo's fire";
        assertThat(DecodingBenchmark.normalise(recipe)).isEqualTo(recipe);
        assertThat(DecodingBenchmark.normalise("  ")).isEmpty();
    }

}
