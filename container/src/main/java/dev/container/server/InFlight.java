package dev.container.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests running in one app, so that a reload which retires the app can wait for
 * them before stopping it. A request counts from the moment the router hands it over until its
 * exchange completes (for a WebSocket, until the upgrade). Thread-safe.
 */
public final class InFlight implements HttpHandler {
    private final HttpHandler next;
    private final AtomicInteger running = new AtomicInteger();

    public InFlight(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        running.incrementAndGet();
        exchange.addExchangeCompleteListener((done, nextListener) -> {
            running.decrementAndGet();
            nextListener.proceed();
        });
        next.handleRequest(exchange);
    }

    public int running() {
        return running.get();
    }

    /**
     * Waits until no request runs here, or the timeout passes; true when idle. Polls every 10 ms:
     * it runs once per retired app per reload.
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
