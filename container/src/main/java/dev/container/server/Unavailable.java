package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/**
 * Answers 503 for an application that failed to start or was stopped by the operator, so its path
 * says so instead of 404.
 */
public final class Unavailable implements HttpHandler {
    private final String body;

    public Unavailable(String contextPath) {
        this(contextPath, "failed to start");
    }

    /** @param why what happened to the app, as the body says it: "failed to start", "is stopped" */
    public Unavailable(String contextPath, String why) {
        this.body = "503 Service Unavailable: the application at " + contextPath + " " + why + "\n";
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain;charset=UTF-8");
        exchange.getResponseSender().send(body);
    }
}
