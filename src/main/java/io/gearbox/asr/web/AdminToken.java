package io.gearbox.asr.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.gearbox.asr.config.AdminProperties;
import io.gearbox.asr.web.AdminAccessDeniedException.Kind;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Checks {@code Authorization: Bearer <asr.admin.token>} on operator requests. Tokens are compared as SHA-256
 * digests with {@link MessageDigest#isEqual}, so the time taken tells nothing about the token's content or length.
 */
@Component
class AdminToken {

    private static final String BEARER = "Bearer ";

    private final byte[] expectedDigest;

    AdminToken(AdminProperties admin) {
        this.expectedDigest = admin.hasToken() ? digest(admin.token().trim()) : null;
    }

    /**
     * @param headers the request's headers
     * @throws AdminAccessDeniedException unless they carry the operators' token
     */
    void check(HttpHeaders headers) {
        Kind denial = denial(headers);
        if (denial != null) {
            throw new AdminAccessDeniedException(denial, switch (denial) {
                case DISABLED -> "Operator changes are disabled: no asr.admin.token is configured";
                case UNAUTHENTICATED -> "An 'Authorization: Bearer <token>' header is required";
                case FORBIDDEN -> "The bearer token is not the operators' token";
            });
        }
    }

    /**
     * @param headers the request's headers
     * @return whether they carry the operators' token (false when none is configured)
     */
    boolean permits(HttpHeaders headers) {
        return denial(headers) == null;
    }

    /** Why the headers are refused, or {@code null} when they carry the operators' token. */
    private Kind denial(HttpHeaders headers) {
        if (this.expectedDigest == null) {
            return Kind.DISABLED;
        }
        String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || authorization.substring(BEARER.length()).isBlank()) {
            return Kind.UNAUTHENTICATED;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return MessageDigest.isEqual(digest(token), this.expectedDigest) ? null : Kind.FORBIDDEN;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", ex);
        }
    }

}
