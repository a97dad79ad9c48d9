package dev.container.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.container.config.ListenerSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics' own listener ({@code metrics.listen}, {@code --metrics HOST:PORT}), for a scraper on
 * another host: {@code GET /metrics} and nothing else, plain HTTP on the JDK's HTTP server (as the
 * admin channel), apart from the apps' listeners, limits and logs. With a token, every request must
 * carry {@code Authorization: Bearer TOKEN} (compared in constant time), else 401; without one
 * (allowed on a loopback address only, {@link dev.container.config.MetricsSpec}) anyone who reaches
 * the address may read. One thread: a scraper asks every few seconds. Thread-safe; {@link #close}
 * stops it.
 */
final class MetricsListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("container");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Optional<byte[]> token;
    private final Metrics metrics;
    private final String url;

    private MetricsListener(HttpServer server, ExecutorService executor, Optional<String> token, Metrics metrics,
                            String url) {
        this.server = server;
        this.executor = executor;
        this.token = token.map(t -> t.getBytes(StandardCharsets.US_ASCII));
        this.metrics = metrics;
        this.url = url;
    }

    static MetricsListener start(ListenerSpec where, Optional<String> token, Metrics metrics) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(where.host(), where.port()), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        InetSocketAddress bound = server.getAddress();
        String url = "http://" + new ListenerSpec(where.host(), 0).authority(bound.getPort()) + "/metrics";
        MetricsListener listener = new MetricsListener(server, executor, token, metrics, url);
        server.createContext("/", listener::handle);
        server.start();
        log.info("metrics on {}{}", url, token.isPresent() ? " (bearer token required)" : "");
        return listener;
    }

    String url() {
        return url;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (!authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                send(exchange, 401, "missing or wrong token: send 'Authorization: Bearer TOKEN' with metrics.token\n");
                return;
            }
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                send(exchange, 404, "not found: the metrics are at /metrics\n");
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, method + " is not allowed here; use GET\n");
                return;
            }
            byte[] body = metrics.scrape().orElse("").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", Metrics.contentType());
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        } catch (RuntimeException e) {
            log.warn("metrics: {} failed: {}", exchange.getRequestURI(), e.toString(), e);
        }
    }

    private boolean authorized(HttpExchange exchange) {
        if (token.isEmpty()) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.startsWith("Bearer ") && MessageDigest.isEqual(token.get(),
                header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.US_ASCII));
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
