package dev.container.acme;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers ACME http-01 challenges (RFC 8555 §8.3): {@code GET /.well-known/acme-challenge/TOKEN}
 * on any host gets the key authorization of a challenge being answered, before routing and before
 * the HTTPS redirect (the CA asks over plain HTTP for a host that may redirect everything else).
 * Other requests, and tokens that are not ours, go on to next. Thread-safe.
 */
public final class Http01Responder {
    static final String PREFIX = "/.well-known/acme-challenge/";
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    void put(String token, String keyAuthorization) {
        tokens.put(token, keyAuthorization);
    }

    void remove(String token) {
        tokens.remove(token);
    }

    /** The handler in front of next. */
    public HttpHandler wrap(HttpHandler next) {
        return exchange -> {
            String path = exchange.getRelativePath();
            if (path.startsWith(PREFIX) && !tokens.isEmpty()) {
                String answer = tokens.get(path.substring(PREFIX.length()));
                if (answer != null && (exchange.getRequestMethod().equals(Methods.GET)
                        || exchange.getRequestMethod().equals(Methods.HEAD))) {
                    respond(exchange, answer);
                    return;
                }
            }
            next.handleRequest(exchange);
        };
    }

    private static void respond(HttpServerExchange exchange, String answer) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(answer);
    }
}
