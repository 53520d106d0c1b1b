package io.gearbox.asr.config;

import java.net.InetAddress;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The optional TLS listener ({@code asr.tls.*}): a second port that serves every route with TLS, while
 * {@code server.port} stays plain for probes and Prometheus. Off unless {@code port} is set.
 *
 * @param port the TLS port ({@code 0}: any free port); unset: no TLS listener
 * @param bundle the name of the Spring Boot SSL bundle holding the server's key and certificate
 * ({@code spring.ssl.bundle.pem.<name>.*} or {@code spring.ssl.bundle.jks.<name>.*}); required with {@code port}
 * @param address the address to bind; unset: every interface
 */
@ConfigurationProperties("asr.tls")
@Validated
public record TlsProperties(Integer port, String bundle, InetAddress address) {

    public TlsProperties {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("asr.tls.port must be between 0 and 65535, was " + port);
        }
        boolean named = bundle != null && !bundle.isBlank();
        if (port != null && !named) {
            throw new IllegalArgumentException("asr.tls.port needs asr.tls.bundle: the name of a spring.ssl.bundle.pem"
                    + " or spring.ssl.bundle.jks bundle with the server's key and certificate");
        }
        if (port == null && named) {
            throw new IllegalArgumentException("asr.tls.bundle is set but asr.tls.port is not: set the port to "
                    + "listen with TLS, or remove the bundle");
        }
    }

    /** @return whether the TLS listener is configured */
    public boolean enabled() {
        return this.port != null;
    }

}
