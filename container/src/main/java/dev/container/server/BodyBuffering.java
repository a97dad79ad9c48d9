package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.RequestBufferingHandler;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a request body, up to {@value #BUFFERS} buffers (64 KiB), on the I/O thread before an app
 * gets a worker thread for the request, as nginx reads a body before it passes a request on: a
 * client that trickles a small body (slow POST) holds no worker while it does, only a buffer,
 * and limits.body-timeout and body-min-rate cut it there. A larger body goes to the app once its
 * first 64 KiB are in, and the app reads the rest as it comes. Undertow's RequestBufferingHandler
 * does the reading; this bounds the memory of all bodies being buffered together to
 * {@code budget} bytes, and a request over it goes to the app unbuffered. Requests that ask for
 * 100-continue are not buffered (the client waits for the app's go-ahead). Thread-safe.
 */
public final class BodyBuffering {
    /** Buffers of the server's pool (16 KiB each) a body may fill before the app gets it. */
    static final int BUFFERS = 4;
    /** The default budget: 64 MiB, 1024 bodies of 64 KiB at once. */
    public static final long DEFAULT_BUDGET = 64L * 1024 * 1024;

    private final long budget;
    private final AtomicLong reserved = new AtomicLong();

    public BodyBuffering(long budget) {
        this.budget = budget;
    }

    /** next, called once the request's body is in (or its first 64 KiB, or at once when over budget). */
    public HttpHandler wrap(HttpHandler next) {
        HttpHandler buffering = new RequestBufferingHandler(next, BUFFERS);
        return exchange -> {
            if (exchange.isRequestComplete() || !reserve(exchange)) {
                next.handleRequest(exchange);
            } else {
                buffering.handleRequest(exchange);
            }
        };
    }

    /** Reserves the most this request can buffer until it completes; false when over the budget. */
    private boolean reserve(HttpServerExchange exchange) {
        long cost = (long) BUFFERS * exchange.getConnection().getBufferSize();
        while (true) {
            long now = reserved.get();
            if (now + cost > budget) {
                return false;
            }
            if (reserved.compareAndSet(now, now + cost)) {
                break;
            }
        }
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            reserved.addAndGet(-cost);
            nextListener.proceed();
        });
        return true;
    }

    /** Bytes reserved for bodies being buffered now. */
    long reserved() {
        return reserved.get();
    }
}
