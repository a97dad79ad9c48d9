package dev.container.files;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;

/**
 * Passes GET and HEAD on and answers every other method 405 with {@code Allow: GET, HEAD}, as
 * nginx and Caddy do for static files. Undertow's ResourceHandler would serve POST like GET.
 * Thread-safe, stateless.
 */
final class GetOrHeadOnly implements HttpHandler {
    private final HttpHandler next;

    GetOrHeadOnly(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (Methods.GET.equals(exchange.getRequestMethod()) || Methods.HEAD.equals(exchange.getRequestMethod())) {
            next.handleRequest(exchange);
        } else {
            exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            exchange.endExchange();
        }
    }
}
