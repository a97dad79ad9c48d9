package dev.container.files;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;

/**
 * The front of a static mount. Every answer carries {@code X-Content-Type-Options: nosniff}: the
 * content type comes from our table of extensions, so no browser should guess another (a text
 * file read as HTML or script is how uploaded files turn into attacks). Passes GET and HEAD on and
 * answers every other method 405 with {@code Allow: GET, HEAD}, as nginx and Caddy do for static
 * files. Undertow's ResourceHandler would serve POST like GET.
 * Method names are case-sensitive (RFC 9110 section 9.1): {@code get} is not GET, and Undertow's
 * HttpString compares without case, so the names are compared as strings. Thread-safe, stateless.
 */
final class GetOrHeadOnly implements HttpHandler {
    private final HttpHandler next;

    GetOrHeadOnly(HttpHandler next) {
        this.next = next;
    }

    private static final HttpString NOSNIFF_HEADER = new HttpString("X-Content-Type-Options");

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.getResponseHeaders().put(NOSNIFF_HEADER, "nosniff");
        String method = exchange.getRequestMethod().toString();
        if (method.equals("GET") || method.equals("HEAD")) {
            next.handleRequest(exchange);
        } else {
            if (exchange.isRequestChannelAvailable() && !exchange.isRequestComplete()) {
                // a body nobody reads: close after the answer instead of reading it all to keep the connection
                exchange.setPersistent(false);
            }
            exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            exchange.endExchange();
        }
    }
}
