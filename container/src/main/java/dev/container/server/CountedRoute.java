package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * A route's handler whose requests are counted, for the control API ({@link RequestStats}, per
 * app), for the metrics ({@link RequestDurations}, per host and route), or both: one hook at the
 * request's end ({@link Gate#whenEnded}, which also ends requests whose connection closed first)
 * tells both, with the status and the duration read once. Made once per route, never per request;
 * one instance serves all of the route's requests. Thread-safe.
 */
final class CountedRoute implements HttpHandler, Gate.Ended {
    private final RequestStats stats;
    private final RequestDurations durations;
    private final HttpHandler next;

    /** @param stats null when not counted for the API; durations null when not for the metrics */
    private CountedRoute(RequestStats stats, RequestDurations durations, HttpHandler next) {
        this.stats = stats;
        this.durations = durations;
        this.next = next;
    }

    static HttpHandler of(RequestStats stats, HttpHandler next) {
        return new CountedRoute(stats, null, next);
    }

    /** handler counted into durations too: beside its API counts when it has them, else alone. */
    static HttpHandler into(HttpHandler handler, RequestDurations durations) {
        if (handler instanceof CountedRoute counted) {
            return new CountedRoute(counted.stats, durations, counted.next);
        }
        return new CountedRoute(null, durations, handler);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (stats != null) {
            stats.started();
        }
        if (durations != null) {
            durations.started(exchange);
        }
        Gate.whenEnded(exchange, this);
        next.handleRequest(exchange);
    }

    @Override
    public void ended(HttpServerExchange exchange) {
        int status = exchange.getStatusCode();
        long start = exchange.getRequestStartTime();
        long now = System.nanoTime();
        long nanos = start == -1 ? -1 : now - start;
        if (stats != null) {
            stats.ended(status, now, nanos);
        }
        if (durations != null) {
            durations.ended(exchange, status, nanos);
        }
    }
}
