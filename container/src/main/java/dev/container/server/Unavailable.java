package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/** Answers 503 for an application that failed to start, so its path says so instead of 404. */
public final class Unavailable implements HttpHandler {
    private final String body;

    public Unavailable(String contextPath) {
        this.body = "503 Service Unavailable: the application at " + contextPath + " failed to start\n";
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain;charset=UTF-8");
        exchange.getResponseSender().send(body);
    }
}
