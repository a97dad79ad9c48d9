package dev.container.server;

import dev.container.config.HostSpec;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.PathHandler;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Routes a request to its virtual host by the Host header (an exact name first, then a wildcard
 * {@code *.example.com} for one label in front of example.com, then the default host), and within
 * the host to the app or static mount with the longest matching prefix ({@code /} for a static
 * site and {@code /api} for an app together); 404 for what nothing serves.
 *
 * <p>Built once from its hosts and never changed, so lookups take no lock and allocate no tables;
 * a reload builds a new Router. With one host no Host header is looked at. Like Undertow's
 * PathHandler (which it uses), it moves the matched prefix from the relative path to the resolved
 * path, which is what servlet deployments expect.
 */
public final class Router implements HttpHandler {
    /** One virtual host and what it serves; its headers are added to each of its responses. */
    public record VirtualHost(HostSpec spec, List<Route> routes) {
        public VirtualHost {
            routes = List.copyOf(routes);
        }
    }

    private final Map<String, HttpHandler> exact = new HashMap<>();
    /** By the name after "*.": "example.com" for "*.example.com". */
    private final Map<String, HttpHandler> wildcard = new HashMap<>();
    private final HttpHandler fallback;
    private final boolean single;

    /** @param hosts exactly one of them the default; no two claiming one name */
    public Router(List<VirtualHost> hosts) {
        this(hosts, () -> 443);
    }

    /**
     * @param httpsPort the port of the HTTPS listener, for hosts that redirect plain HTTP to it
     *                  (asked per redirect: a listener on port 0 knows its port once it is open)
     */
    public Router(List<VirtualHost> hosts, IntSupplier httpsPort) {
        this(hosts, httpsPort, RouteWrapper.NONE);
    }

    /** As {@link #Router(List, IntSupplier)}, each route's handler passed through routes once. */
    public Router(List<VirtualHost> hosts, IntSupplier httpsPort, RouteWrapper routes) {
        HttpHandler defaultHandler = null;
        for (VirtualHost host : hosts) {
            HttpHandler handler = handler(host, httpsPort, routes);
            if (host.spec().isDefault()) {
                if (defaultHandler != null) {
                    throw new IllegalArgumentException("two default hosts");
                }
                defaultHandler = handler;
            }
            for (String name : host.spec().names()) {
                var table = name.startsWith("*.") ? wildcard : exact;
                if (table.put(name.startsWith("*.") ? name.substring(2) : name, handler) != null) {
                    throw new IllegalArgumentException("host name " + name + " claimed twice");
                }
            }
        }
        if (defaultHandler == null) {
            throw new IllegalArgumentException("no default host");
        }
        fallback = defaultHandler;
        single = hosts.size() == 1;
    }

    private static HttpHandler handler(VirtualHost host, IntSupplier httpsPort, RouteWrapper routes) {
        PathHandler paths = new PathHandler(routes.wrap(host.spec(), Route.unclaimed(ResponseCodeHandler.HANDLE_404)));
        for (Route route : host.routes()) {
            paths.addPrefixPath(route.prefix(), routes.wrap(host.spec(), route));
        }
        HostSpec spec = host.spec();
        HttpHandler handler = paths;
        if (!spec.headers().isEmpty() || spec.hsts().isPresent()) {
            handler = new ResponseHeaders(spec.headers(), spec.hsts(), handler);
        }
        return spec.httpsRedirect() ? new HttpsRedirect(httpsPort, handler) : handler;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (single) {
            fallback.handleRequest(exchange);
        } else {
            hostFor(exchange.getHostName()).handleRequest(exchange);
        }
    }

    /** The handler of the host that serves hostName (from a Host header, without the port). */
    HttpHandler hostFor(String hostName) {
        String host = hostName.toLowerCase(Locale.ROOT); // no copy when already lower case
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        HttpHandler handler = exact.get(host);
        if (handler != null) {
            return handler;
        }
        int dot = host.indexOf('.');
        if (dot > 0 && !wildcard.isEmpty()) {
            handler = wildcard.get(host.substring(dot + 1));
            if (handler != null) {
                return handler;
            }
        }
        return fallback;
    }
}
