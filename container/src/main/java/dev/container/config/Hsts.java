package dev.container.config;

import java.time.Duration;

/**
 * HTTP Strict Transport Security for a host (RFC 6797): the {@code Strict-Transport-Security}
 * header, sent only on responses over HTTPS, as §7.2 requires.
 */
public record Hsts(Duration maxAge, boolean includeSubdomains, boolean preload) {
    public Hsts {
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("HSTS max-age must not be negative, got " + maxAge);
        }
    }

    /** The header value, e.g. {@code max-age=31536000; includeSubDomains}. */
    public String headerValue() {
        return "max-age=" + maxAge.toSeconds() + (includeSubdomains ? "; includeSubDomains" : "")
                + (preload ? "; preload" : "");
    }
}
