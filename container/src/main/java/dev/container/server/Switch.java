package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handler a reload swaps: each request goes on with the routes that were current when it
 * arrived, so it sees the old routes or the new ones, never a mix and never a gap. Each set of
 * routes counts its running requests, so that a reload can wait for the old set to drain before
 * it stops the apps only the old set reached. Thread-safe.
 */
public final class Switch implements HttpHandler {
    /** One set of routes and the requests running on it. */
    public static final class Routes implements Gate.Ended {
        private final HttpHandler handler;
        private final AtomicInteger running = new AtomicInteger();

        private Routes(HttpHandler handler) {
            this.handler = handler;
        }

        public int running() {
            return running.get();
        }

        /** A request on these routes ended (one listener for all of them: nothing allocated per request). */
        @Override
        public void ended(HttpServerExchange exchange) {
            running.decrementAndGet();
        }

        /**
         * Waits until no request runs on these routes (they must be retired: no new request can
         * join), or the timeout passes; true when idle. Polls every 10 ms: it runs once per reload.
         */
        public boolean awaitIdle(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (running.get() > 0) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(10);
            }
            return true;
        }
    }

    private volatile Routes current;

    public Switch(HttpHandler initial) {
        this.current = new Routes(initial);
    }

    /** Makes next the routes of every new request; returns the ones it replaced. */
    public Routes set(HttpHandler next) {
        Routes old = current;
        current = new Routes(next);
        return old;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Routes routes;
        while (true) {
            routes = current;
            routes.running.incrementAndGet();
            // Counted before checking that they are still current: a reload that swapped them
            // meanwhile either sees this request in the count or the request backs out here and
            // takes the new routes; it never stops apps under a request it did not count.
            if (routes == current) {
                break;
            }
            routes.running.decrementAndGet();
        }
        // the gate's end: the exchange completing, or its connection closing first
        Gate.whenEnded(exchange, routes);
        routes.handler.handleRequest(exchange);
    }
}
