package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One route's requests for the metrics (one host's app or static mount): a duration histogram
 * per request method and status class (OpenTelemetry's {@code http.server.request.duration}), the
 * requests in flight, and the body bytes received (as Content-Length declares them, or as they are
 * read when no Content-Length does: chunked, HTTP/2) and sent. Made once per route and kept across
 * reloads by whoever wraps the routes ({@link RouteWrapper}); counting is {@link LongAdder}s
 * only, a histogram made the first time its method and class occur. Methods outside the nine of
 * RFC 9110 and 5789 count as {@code _OTHER}, as OpenTelemetry does, so a client cannot make a
 * series per made-up method. Thread-safe.
 */
public final class RequestDurations {
    /** The methods counted by name; anything else is {@code _OTHER} (the last). */
    public static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT",
        "TRACE", "_OTHER"};
    private static final HttpString[] KNOWN = {Methods.GET, Methods.HEAD, Methods.POST, Methods.PUT, Methods.DELETE,
        Methods.PATCH, Methods.OPTIONS, Methods.CONNECT, Methods.TRACE};
    /** Status classes by index: 0 for a status outside 100..599. */
    public static final String[] CLASSES = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final String host;
    private final String route;
    private final AtomicReferenceArray<DurationHistogram> series =
            new AtomicReferenceArray<>(METHODS.length * CLASSES.length);
    /** Requests begun; those in flight are these less the ended ones (the histograms' counts). */
    private final LongAdder started = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();

    /**
     * @param host the host's id
     * @param route the app's context path or the static mount's prefix
     */
    public RequestDurations(String host, String route) {
        this.host = host;
        this.route = route;
    }

    public String host() {
        return host;
    }

    public String route() {
        return route;
    }

    /**
     * handler, counted here. When handler is an app's handler counted for the control API
     * ({@link RequestStats#wrap}), both are told at the same request end: one hook per request.
     */
    public HttpHandler wrap(HttpHandler handler) {
        return CountedRoute.into(handler, this);
    }

    /**
     * A request of the route begins: counted in flight, and its body into the bytes read, as its
     * Content-Length declares or, without one, as it is read (chunked, HTTP/2).
     */
    void started(HttpServerExchange exchange) {
        started.increment();
        long declared = exchange.getRequestContentLength();
        if (declared > 0) {
            bytesRead.add(declared);
        } else if (declared < 0 && !exchange.isRequestComplete()) {
            try {
                exchange.addRequestWrapper((factory, ex) -> new CountingSourceConduit(factory.create(), bytesRead));
            } catch (IllegalStateException e) {
                // a handler in front has taken the body's channel already: it goes uncounted
            }
        }
    }

    /** The request ended with status after nanos (-1: its start time is unknown). */
    void ended(HttpServerExchange exchange, int status, long nanos) {
        int klass = status >= 100 && status < 600 ? status / 100 : 0;
        int index = method(exchange.getRequestMethod()) * CLASSES.length + klass;
        DurationHistogram h = series.get(index);
        if (h == null) {
            series.compareAndSet(index, null, new DurationHistogram(DurationHistogram.HTTP_SECONDS));
            h = series.get(index);
        }
        h.record(nanos);
        long sent = exchange.getResponseBytesSent();
        if (sent > 0) {
            bytesSent.add(sent);
        }
    }

    private static int method(HttpString method) {
        for (int i = 0; i < KNOWN.length; i++) {
            // Undertow's HTTP/1.1 parser hands out the constants themselves; HTTP/2's are equal copies
            if (KNOWN[i] == method) {
                return i;
            }
        }
        for (int i = 0; i < KNOWN.length; i++) {
            if (KNOWN[i].equals(method)) {
                return i;
            }
        }
        return KNOWN.length;
    }

    /** Calls each with the method and status class of every histogram that has counted a request. */
    public void forEach(SeriesVisitor each) {
        for (int i = 0; i < series.length(); i++) {
            DurationHistogram h = series.get(i);
            if (h != null) {
                each.visit(METHODS[i / CLASSES.length], CLASSES[i % CLASSES.length], h.snapshot());
            }
        }
    }

    /** One histogram of a route, by method and status class. */
    @FunctionalInterface
    public interface SeriesVisitor {
        void visit(String method, String statusClass, DurationHistogram.Snapshot snapshot);
    }

    /** Requests being served: those begun less those ended (ended first, so never below the truth). */
    public long inFlight() {
        long ended = 0;
        for (int i = 0; i < series.length(); i++) {
            DurationHistogram h = series.get(i);
            if (h != null) {
                ended += h.count();
            }
        }
        return Math.max(started.sum() - ended, 0);
    }

    /** Request body bytes received (declared by Content-Length, else as read), since the start. */
    public long bytesRead() {
        return bytesRead.sum();
    }

    /** Response body bytes sent, since the start. */
    public long bytesSent() {
        return bytesSent.sum();
    }
}
