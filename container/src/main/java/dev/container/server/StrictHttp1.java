package dev.container.server;

import dev.container.config.Limits;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.Connectors;
import io.undertow.server.DelegateOpenListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;

/**
 * HTTP/1.1 as RFC 9112 says it, on Undertow: each connection the listener opens gets a
 * {@link FramingConduit} under Undertow's parser, and {@link #front} answers the requests that
 * the conduit refused (a bad head, or a chunked body that was bad when its head arrived). Used for plain listeners (behind
 * {@link PriorKnowledge} on h2c ones) and for the HTTP/1.1 side of TLS ones (where ALPN did not
 * choose h2). Thread-safe.
 */
final class StrictHttp1 implements DelegateOpenListener {
    private final HttpOpenListener http1;
    private final Limits limits;

    StrictHttp1(HttpOpenListener http1, Limits limits) {
        this.http1 = http1;
        this.limits = limits;
    }

    @Override
    public void handleEvent(StreamConnection channel) {
        handleEvent(channel, null);
    }

    @Override
    public void handleEvent(StreamConnection channel, PooledByteBuffer additionalData) {
        RequestFraming framing = new RequestFraming((int) limits.maxRequestLine(), (int) limits.maxHeaderSize(),
                limits.maxHeaders(), limits.maxRequestBody());
        var conduit = new FramingConduit(channel.getSourceChannel().getConduit(), channel, framing,
                limits.requestTimeout().toMillis(), (int) limits.maxHeaderSize());
        if (additionalData != null) {
            try {
                conduit.preload(additionalData.getBuffer());
            } finally {
                additionalData.close();
            }
        }
        channel.getSourceChannel().setConduit(conduit);
        http1.handleEvent(channel, null);
    }

    /**
     * The outermost handler of the HTTP/1.1 side: answers the stand-in requests for refused heads
     * (status, {@code Connection: close}, a one-line body that names no software), and tells the
     * conduit how an upgrade request was answered. Every other request goes to next.
     */
    static HttpHandler front(HttpHandler next) {
        return exchange -> {
            HeaderValues refused = exchange.getRequestHeaders().get(FramingConduit.REFUSED);
            if (refused != null) {
                refuse(exchange, Integer.parseInt(refused.getFirst()));
                return;
            }
            if (exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING)
                    && exchange.getConnection() instanceof HttpServerConnection connection) {
                RequestFraming.Failure failure = FramingConduit.failedBody(connection.getChannel());
                if (failure != null) {
                    // the bad chunk came with the head: refuse before an app reads any of it; the
                    // request counts as read, so that nothing tries to read the rest
                    Connectors.terminateRequest(exchange);
                    refuse(exchange, failure.status());
                    return;
                }
            }
            if (exchange.getRequestHeaders().contains(Headers.UPGRADE)
                    && exchange.getConnection() instanceof HttpServerConnection connection) {
                // The conduit is asked when the exchange is over, not now: it awaits the answer
                // only once it has read the request's body, which may still be on its way here
                // (java.net.http sends Upgrade: h2c with every POST, and the body after the head).
                StreamConnection channel = connection.getChannel();
                exchange.addExchangeCompleteListener((done, nextListener) -> {
                    FramingConduit conduit = FramingConduit.awaitingUpgrade(channel);
                    if (conduit != null) {
                        conduit.upgradeDecided(done.getStatusCode() == StatusCodes.SWITCHING_PROTOCOLS);
                    }
                    nextListener.proceed();
                });
            }
            next.handleRequest(exchange);
        };
    }

    private static void refuse(HttpServerExchange exchange, int status) {
        exchange.setStatusCode(status);
        exchange.setPersistent(false);
        exchange.getResponseHeaders().put(Headers.CONNECTION, "close");
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=UTF-8");
        exchange.getResponseSender().send(StatusCodes.getReason(status) + "\n");
    }

    @Override
    public HttpHandler getRootHandler() {
        return http1.getRootHandler();
    }

    @Override
    public void setRootHandler(HttpHandler rootHandler) {
        http1.setRootHandler(rootHandler);
    }

    @Override
    public OptionMap getUndertowOptions() {
        return http1.getUndertowOptions();
    }

    @Override
    public void setUndertowOptions(OptionMap undertowOptions) {
        http1.setUndertowOptions(undertowOptions);
    }

    @Override
    public ByteBufferPool getBufferPool() {
        return http1.getBufferPool();
    }

    @Override
    public ConnectorStatistics getConnectorStatistics() {
        return http1.getConnectorStatistics();
    }
}
