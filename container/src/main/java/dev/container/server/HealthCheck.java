package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.util.function.BooleanSupplier;

/**
 * A host's public health path ({@code health-path = /healthz}), for load balancers and
 * Kubernetes probes, without the admin token: {@code PATH/live} answers 200 while the process
 * serves; {@code PATH/ready} and {@code PATH} itself answer 200 when the server is ready (every
 * app started, every listener open, not stopping) and 503 otherwise. The body is one word of
 * JSON; why the server is not ready is for the admin channel only (GET /health/ready), not for
 * the internet. Thread-safe.
 */
public final class HealthCheck implements HttpHandler {
    private final BooleanSupplier ready;

    public HealthCheck(BooleanSupplier ready) {
        this.ready = ready;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String rest = exchange.getRelativePath();
        boolean live = rest.equals("/live");
        if (!live && !rest.isEmpty() && !rest.equals("/") && !rest.equals("/ready")) {
            answer(exchange, StatusCodes.NOT_FOUND, "{\"status\":\"no such check: use live or ready\"}");
        } else if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            answer(exchange, StatusCodes.METHOD_NOT_ALLOWED, "{\"status\":\"use GET\"}");
        } else if (live) {
            answer(exchange, StatusCodes.OK, "{\"status\":\"live\"}");
        } else if (ready.getAsBoolean()) {
            answer(exchange, StatusCodes.OK, "{\"status\":\"ready\"}");
        } else {
            answer(exchange, StatusCodes.SERVICE_UNAVAILABLE, "{\"status\":\"not ready\"}");
        }
    }

    private static void answer(HttpServerExchange exchange, int status, String json) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(json + "\n");
    }
}
