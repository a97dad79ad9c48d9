package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * The handler a reload swaps: each request reads the current one once (a volatile read) and
 * goes on with it, so a request sees the old routes or the new ones, never a mix and never a
 * gap. Thread-safe.
 */
public final class Switch implements HttpHandler {
    private volatile HttpHandler current;

    public Switch(HttpHandler initial) {
        this.current = initial;
    }

    public void set(HttpHandler next) {
        current = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        current.handleRequest(exchange);
    }
}
