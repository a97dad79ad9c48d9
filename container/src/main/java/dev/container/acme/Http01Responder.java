package dev.container.acme;

import dev.container.storage.Storage;
import dev.container.storage.StorageException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers ACME http-01 challenges (RFC 8555 §8.3): {@code GET /.well-known/acme-challenge/TOKEN}
 * on any host gets the key authorization of a challenge being answered, before routing and before
 * the HTTPS redirect (the CA asks over plain HTTP for a host that may redirect everything else).
 * In a cluster (a shared {@link Storage}) a token this node does not know is looked up in the
 * storage, where the node that orders wrote it: the CA may ask any node. Other requests, and
 * tokens that are not ours, go on to next. Thread-safe.
 */
public final class Http01Responder {
    static final String PREFIX = "/.well-known/acme-challenge/";
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    /** The cluster's storage of pending tokens; null on one machine. */
    private final Storage shared;

    Http01Responder() {
        this(null);
    }

    Http01Responder(Storage shared) {
        this.shared = shared;
    }

    void put(String token, String keyAuthorization) {
        tokens.put(token, keyAuthorization);
    }

    void remove(String token) {
        tokens.remove(token);
    }

    /** The handler in front of next. */
    public HttpHandler wrap(HttpHandler next) {
        return new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange exchange) throws Exception {
                String path = exchange.getRelativePath();
                boolean get = exchange.getRequestMethod().equals(Methods.GET)
                        || exchange.getRequestMethod().equals(Methods.HEAD);
                if (get && path.startsWith(PREFIX)) {
                    String token = path.substring(PREFIX.length());
                    String answer = tokens.isEmpty() ? null : tokens.get(token);
                    if (answer == null && shared != null) {
                        Optional<String> name = AcmeStorage.tokenName(token);
                        if (name.isPresent()) {
                            if (exchange.isInIoThread()) {
                                exchange.dispatch(this); // a database read: not on the I/O thread
                                return;
                            }
                            answer = sharedAnswer(name.get());
                        }
                    }
                    if (answer != null) {
                        respond(exchange, answer);
                        return;
                    }
                }
                next.handleRequest(exchange);
            }
        };
    }

    /** The key authorization another node stored; null when there is none or the storage cannot be read now. */
    private String sharedAnswer(String name) {
        try {
            return shared.get(name).map(b -> new String(b, StandardCharsets.US_ASCII)).orElse(null);
        } catch (StorageException e) {
            return null; // the database is away: the CA's retry, or the next order, will find it back
        }
    }

    private static void respond(HttpServerExchange exchange, String answer) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(answer);
    }
}
