package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.PathHandler;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.util.List;

/**
 * Longest-prefix routing across apps and static mounts ({@code /} for a static site and
 * {@code /api} for an app together); 404 for what nothing serves. Built once from its routes and
 * never changed, so lookups take no lock and allocate no tables; a reload builds a new Router.
 * Like Undertow's PathHandler (which it uses), it moves the matched prefix from the relative path
 * to the resolved path, which is what servlet deployments expect.
 */
public final class Router implements HttpHandler {
    private final PathHandler paths;

    public Router(List<Route> routes) {
        paths = new PathHandler(ResponseCodeHandler.HANDLE_404);
        for (Route route : routes) {
            paths.addPrefixPath(route.prefix(), route.handler());
        }
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        paths.handleRequest(exchange);
    }
}
