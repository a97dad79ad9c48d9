package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;

/**
 * {@code OPTIONS *} asks about the server, not a resource (RFC 9110 section 9.3.7): answered here,
 * 200 with the methods the server may take, instead of reaching an app or a static mount as the
 * path "*". Thread-safe, stateless.
 */
final class AsteriskOptions implements HttpHandler {
    private final HttpHandler next;

    AsteriskOptions(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.getRequestURI().equals("*") && exchange.getRequestMethod().toString().equals(Methods.OPTIONS_STRING)) {
            exchange.setStatusCode(StatusCodes.OK);
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS");
            exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
            exchange.endExchange();
        } else {
            next.handleRequest(exchange);
        }
    }
}
