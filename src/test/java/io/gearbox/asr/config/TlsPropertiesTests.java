package io.gearbox.asr.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TlsPropertiesTests {

    @Test
    void theListenerIsOffByDefault() {
        assertThat(new TlsProperties(null, null, null).enabled()).isFalse();
        assertThat(new TlsProperties(null, " ", null).enabled()).isFalse();
    }

    @Test
    void aPortWithABundleTurnsTheListenerOn() {
        assertThat(new TlsProperties(8443, "server", null).enabled()).isTrue();
        assertThat(new TlsProperties(0, "server", null).enabled()).isTrue();
    }

    @Test
    void aPortNeedsABundleAndABundleAPort() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TlsProperties(8443, null, null))
            .withMessageContaining("asr.tls.bundle");
        assertThatIllegalArgumentException().isThrownBy(() -> new TlsProperties(8443, "", null))
            .withMessageContaining("asr.tls.bundle");
        assertThatIllegalArgumentException().isThrownBy(() -> new TlsProperties(null, "server", null))
            .withMessageContaining("asr.tls.port");
    }

    @Test
    void aPortOutOfRangeIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TlsProperties(-1, "server", null));
        assertThatIllegalArgumentException().isThrownBy(() -> new TlsProperties(65536, "server", null));
    }

}
