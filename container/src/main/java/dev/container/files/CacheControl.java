package dev.container.files;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ResponseCommitListener;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.time.Duration;

/**
 * {@code Cache-Control: max-age=N} on the files a mount serves (200, 206 and 304 responses),
 * so browsers and caches keep them without asking; never on a 404 or a redirect, which should
 * not outlive a fix. Set as the response is committed, so the I/O-thread fast path gets it too.
 */
final class CacheControl implements HttpHandler {
    private final String value;
    private final HttpHandler next;
    private final ResponseCommitListener onCommit = this::addHeader;

    CacheControl(Duration maxAge, HttpHandler next) {
        this.value = "max-age=" + maxAge.toSeconds();
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.addResponseCommitListener(onCommit);
        next.handleRequest(exchange);
    }

    private void addHeader(HttpServerExchange exchange) {
        int status = exchange.getStatusCode();
        if (status == StatusCodes.OK || status == StatusCodes.PARTIAL_CONTENT || status == StatusCodes.NOT_MODIFIED) {
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, value);
        }
    }
}
