package dev.container.server;

import dev.container.config.HostSpec;
import io.undertow.server.HttpHandler;

/**
 * What a {@link Router} serves each route with: the route's handler, or that handler wrapped once
 * when the Router is built (metrics count a route's requests so, with nothing looked up per
 * request). Called for every route of every host each time a Router is built: at start, and at
 * each reload, redeploy, app stop or start; a wrapper that keeps counts keeps them by host and
 * prefix, so that they go on across those. Thread-safe.
 */
@FunctionalInterface
public interface RouteWrapper {
    /** Serves every route with its own handler. */
    RouteWrapper NONE = (host, route) -> route.handler();

    /** The handler for route on host. */
    HttpHandler wrap(HostSpec host, Route route);
}
