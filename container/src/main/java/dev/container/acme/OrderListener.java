package dev.container.acme;

/**
 * Told how each certificate order ends (the metrics count them), on the maintenance thread; it
 * must return at once and never throw. The outcomes: issued, rate_limited, network (the CA could
 * not be reached), challenge_failed, refused (the CA said no), failed (anything else, storing
 * included).
 */
@FunctionalInterface
public interface OrderListener {
    OrderListener NONE = outcome -> { };

    void ordered(String outcome);
}
