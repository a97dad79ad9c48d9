package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.util.function.IntSupplier;

/**
 * Sends plain-HTTP requests to the same host, path and query over HTTPS with 308 Permanent
 * Redirect, which (unlike 301) keeps the method and body; requests over HTTPS go on. Thread-safe.
 */
final class HttpsRedirect implements HttpHandler {
    private final IntSupplier httpsPort;
    private final HttpHandler next;

    HttpsRedirect(IntSupplier httpsPort, HttpHandler next) {
        this.httpsPort = httpsPort;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isSecure()) {
            next.handleRequest(exchange);
            return;
        }
        int port = httpsPort.getAsInt();
        String host = exchange.getHostName();
        String authority = (host.contains(":") ? "[" + host + "]" : host) + (port == 443 ? "" : ":" + port);
        String query = exchange.getQueryString();
        exchange.getResponseHeaders().put(Headers.LOCATION,
                "https://" + authority + exchange.getRequestURI() + (query.isEmpty() ? "" : "?" + query));
        exchange.setStatusCode(StatusCodes.PERMANENT_REDIRECT);
        exchange.endExchange();
    }
}
