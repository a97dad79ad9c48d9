package dev.container.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The Prometheus metrics (config section {@code metrics}, flag {@code --metrics}): on by default,
 * served at the admin channel's {@code GET /metrics}; with {@code listen}, also on a listener of
 * their own for a scraper on another host, behind {@code token} when one is given. A listener off
 * the loopback must have a token ({@link MetricsSection} refuses it otherwise).
 *
 * @param enabled whether requests, handshakes and jobs are counted at all ({@code metrics = off}: not)
 * @param listen the metrics' own listener, empty for none
 * @param token the bearer token the own listener asks for, empty for none (loopback only)
 */
public record MetricsSpec(boolean enabled, Optional<ListenerSpec> listen, Optional<String> token) {
    /** On, at the admin channel only. */
    public static final MetricsSpec DEFAULT = new MetricsSpec(true, Optional.empty(), Optional.empty());
    /** Nothing counted, nothing served. */
    public static final MetricsSpec OFF = new MetricsSpec(false, Optional.empty(), Optional.empty());
    /** The shortest token taken: 128 bits as hex, as {@code openssl rand -hex 16} makes. */
    public static final int MIN_TOKEN_LENGTH = 32;

    public MetricsSpec {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(token, "token");
        if (!enabled && listen.isPresent()) {
            throw new IllegalArgumentException("metrics that are off have no listener");
        }
    }

    /** These metrics with their own listener at where (empty: none). */
    public MetricsSpec withListen(Optional<ListenerSpec> where) {
        return new MetricsSpec(true, where, token);
    }

    /** These metrics with that token for their own listener. */
    public MetricsSpec withToken(String value) {
        return new MetricsSpec(enabled, listen, Optional.of(value));
    }

    /** The token never shows in a log or a printed plan. */
    @Override
    public String toString() {
        return "MetricsSpec[enabled=" + enabled + ", listen=" + listen + ", token=" + token.map(t -> "(set)").orElse("(none)") + "]";
    }
}
