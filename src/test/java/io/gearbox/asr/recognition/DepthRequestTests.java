package io.gearbox.asr.recognition;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DepthRequestTests {

    @Test
    void absentBlankOrAutoMeansAuto() {
        assertThat(DepthRequest.parse(null).isAuto()).isTrue();
        assertThat(DepthRequest.parse(" ").isAuto()).isTrue();
        assertThat(DepthRequest.parse("AUTO").isAuto()).isTrue();
    }

    @Test
    void aNumberPinsThatDepth() {
        assertThat(DepthRequest.parse("12").pinnedDepth()).hasValue(12);
        assertThat(DepthRequest.parse("12")).isEqualTo(DepthRequest.pinned(12));
    }

    @Test
    void anythingElseIsAnUnknownDepth() {
        for (String value : new String[] { "deep", "-1", "0", "1.5", "99999999999" }) {
            assertThatExceptionOfType(UnknownDepthException.class).isThrownBy(() -> DepthRequest.parse(value));
        }
    }

}
