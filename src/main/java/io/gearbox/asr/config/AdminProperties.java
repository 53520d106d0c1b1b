package io.gearbox.asr.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Operator access ({@code asr.admin.*}).
 *
 * @param token the bearer token that {@code PUT /v1/governor} requires; unset or blank disables that endpoint
 * (403 {@code admin_disabled})
 */
@ConfigurationProperties("asr.admin")
public record AdminProperties(String token) {

    /** @return whether operator changes are enabled */
    public boolean hasToken() {
        return this.token != null && !this.token.isBlank();
    }

    @Override
    public String toString() {
        return "AdminProperties[token=" + (hasToken() ? "(set)" : "(none)") + "]";
    }

}
