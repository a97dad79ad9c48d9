package dev.container.server;

import dev.container.config.Header;
import dev.container.config.Hsts;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ResponseCommitListener;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.List;
import java.util.Optional;

/**
 * Adds a host's configured headers (security headers and the like) to each response as it is
 * committed, unless the app set the header itself: an app knows its own pages better. HSTS goes
 * only on responses over HTTPS (RFC 6797 §7.2: a host must not send it over plain HTTP).
 * Adding at commit time, not before the app runs, keeps them on error pages and after an app's
 * {@code response.reset()}. Thread-safe and allocation-free per request beyond Undertow's listener list.
 */
final class ResponseHeaders implements HttpHandler {
    private final HttpString[] names;
    private final String[] values;
    private final String hsts;
    private final HttpHandler next;
    private final ResponseCommitListener onCommit = this::addHeaders;

    ResponseHeaders(List<Header> headers, Optional<Hsts> hsts, HttpHandler next) {
        this.names = headers.stream().map(h -> new HttpString(h.name())).toArray(HttpString[]::new);
        this.values = headers.stream().map(Header::value).toArray(String[]::new);
        this.hsts = hsts.map(Hsts::headerValue).orElse("");
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.addResponseCommitListener(onCommit);
        next.handleRequest(exchange);
    }

    private void addHeaders(HttpServerExchange exchange) {
        HeaderMap headers = exchange.getResponseHeaders();
        for (int i = 0; i < names.length; i++) {
            if (!headers.contains(names[i])) {
                headers.put(names[i], values[i]);
            }
        }
        if (!hsts.isEmpty() && exchange.isSecure() && !headers.contains(Headers.STRICT_TRANSPORT_SECURITY)) {
            headers.put(Headers.STRICT_TRANSPORT_SECURITY, hsts);
        }
    }
}
