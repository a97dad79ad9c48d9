package dev.container.server;

import dev.container.config.Limits;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Puts a {@link BodyReadTimeout} under the request body of every request that has one, HTTP/1.1
 * and HTTP/2 alike, so that a client trickling its body cannot hold a worker thread for long.
 * A request without a body passes untouched. Stateless; thread-safe.
 */
public final class BodyTimeout implements HttpHandler {
    private final long idleNanos;
    private final long minRate;
    private final HttpHandler next;

    /** @param limits whose body-timeout and body-min-rate apply; a zero body-timeout turns this off */
    public BodyTimeout(Limits limits, HttpHandler next) {
        this.idleNanos = limits.bodyTimeout().toNanos();
        this.minRate = limits.bodyMinRate();
        this.next = next;
    }

    /** Whether the limits ask for any body timeout at all (otherwise the handler need not be in the chain). */
    public static boolean enabled(Limits limits) {
        return !limits.bodyTimeout().isZero();
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!exchange.isRequestComplete() && exchange.isRequestChannelAvailable()) {
            exchange.addRequestWrapper((factory, ex) -> new BodyReadTimeout(factory.create(), ex, idleNanos, minRate));
        }
        next.handleRequest(exchange);
    }
}
