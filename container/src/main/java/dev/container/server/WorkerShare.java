package dev.container.server;

import dev.container.config.AppLimits;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app's share of the worker threads (see {@link AppLimits}): its requests go to the shared
 * pool through here, at most maxRequests at a time; up to maxQueued more wait in this share's
 * queue on no thread; beyond that the app answers 503 with {@code Retry-After}. A request holds
 * its place while its handler runs on a worker (the servlet's service method), not while an
 * async request waits for an event, so long polling and server-sent events are not capped; an
 * AsyncContext's dispatch or start goes to the shared pool directly.
 *
 * <p>Undertow's RequestLimit would count a request until its exchange completes (async ones
 * included), and its queued requests back on the worker that completed one; this counts what
 * must be bounded, the threads. Refusing starts with one log line and ends with another (with the
 * count), not a line per request. Thread-safe: requests arrive on I/O threads, finish on workers.
 */
public final class WorkerShare implements Executor {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** Seconds a refused client is asked to wait: long enough for a burst to pass. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final String name;
    private final AppLimits limits;
    private final Supplier<? extends Executor> workers;
    /** Requests running or queued: what the front door counts. */
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean refusing = new AtomicBoolean();
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param name    the app as the log names it ("/shop", "main:/shop")
     * @param workers the shared pool (asked at each request: it exists once the server has started)
     */
    public WorkerShare(String name, AppLimits limits, Supplier<? extends Executor> workers) {
        this.name = name;
        this.limits = limits;
        this.workers = workers;
    }

    /** next, run on workers within this share. */
    public HttpHandler wrap(HttpHandler next) {
        return exchange -> {
            if (!admit()) {
                refuse(exchange);
                return;
            }
            exchange.dispatch(this, next);
        };
    }

    /** Requests of this share running on workers now. */
    public int running() {
        return running.get();
    }

    /** Requests of this share waiting for a worker now. */
    public int queued() {
        return admitted.get() - running.get();
    }

    private boolean admit() {
        int max = limits.maxRequests() + limits.maxQueued();
        while (true) {
            int now = admitted.get();
            if (now >= max) {
                return false;
            }
            if (admitted.compareAndSet(now, now + 1)) {
                if (refusing.get() && refusing.compareAndSet(true, false)) {
                    log.info("app {}: taking requests again; {} were refused with 503", name, refused.getAndSet(0));
                }
                return true;
            }
        }
    }

    private void refuse(HttpServerExchange exchange) {
        refused.incrementAndGet();
        if (refusing.compareAndSet(false, true)) {
            log.warn("app {}: {} requests running and {} waiting, its share of the worker threads (max-requests {}, "
                    + "max-queued {}); answering 503 until one is done", name, running.get(), queued(),
                    limits.maxRequests(), limits.maxQueued());
        }
        exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain;charset=UTF-8");
        exchange.getResponseSender().send("503 Service Unavailable: too many requests for this application; retry after "
                + RETRY_AFTER_SECONDS + " s\n");
    }

    /** Runs an admitted request's task now if the share has room, else when a running one is done. */
    @Override
    public void execute(Runnable task) {
        queue.offer(task);
        drain();
    }

    private void drain() {
        while (!queue.isEmpty()) {
            int now = running.get();
            if (now >= limits.maxRequests()) {
                return; // a running task drains when it is done
            }
            if (!running.compareAndSet(now, now + 1)) {
                continue;
            }
            Runnable task = queue.poll();
            if (task == null) {
                running.decrementAndGet(); // another thread took it; look again
                continue;
            }
            try {
                workers.get().execute(() -> {
                    try {
                        task.run();
                    } finally {
                        done();
                    }
                });
            } catch (RejectedExecutionException e) {
                done(); // the pool is shutting down: the request is dropped with its connection
                throw e;
            }
        }
    }

    private void done() {
        running.decrementAndGet();
        admitted.decrementAndGet();
        drain();
    }
}
