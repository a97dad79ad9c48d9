package dev.container.server;

import io.undertow.protocols.http2.Http2Channel;
import io.undertow.protocols.http2.ShutdownNotice;
import io.undertow.server.ConduitWrapper;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.http2.Http2ServerConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.ConduitFactory;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.conduits.StreamSinkConduit;

/**
 * The graceful-shutdown gate, the outermost handler: it counts the requests running and, in a
 * drain ({@link #startDrain}, {@link #awaitDrained}), lets every request a client has sent finish
 * instead of refusing it, as nginx, Caddy and Jetty do:
 * <ul>
 * <li>HTTP/1.1: each response from then on, an in-flight one included when it has not started,
 *     carries {@code Connection: close}, so a keep-alive connection gets its next request answered
 *     and then closes (never a 503);
 * <li>HTTP/2: each connection gets the shutdown notice of RFC 9113 §6.8 (GOAWAY, last stream
 *     2^31-1, NO_ERROR: open no new streams; those already sent are still served), and once no
 *     request runs, a final GOAWAY naming the last stream processed, and is closed;
 * <li>then the gate waits until no request runs and no connection has started one for a second
 *     (the time for a request already on the wire to arrive), or until the timeout.
 * </ul>
 * A request ends exactly once: when its exchange completes, or when its connection closes first.
 * The second matters: Undertow 2.3 never completes an HTTP/2 exchange whose response was queued
 * when its connection died (the stream's completion listener waits for a write that never comes),
 * so without it a reload or a stop waited its whole timeout for requests nobody was waiting for.
 * Other handlers (the {@link Switch}) hook the same end with {@link #whenEnded}. Thread-safe.
 */
public final class Gate implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(Gate.class);
    /** How long the drain waits for requests already sent on open connections once none runs. */
    static final Duration GRACE = Duration.ofSeconds(1);
    private static final AttachmentKey<Peer> PEER = AttachmentKey.create(Peer.class);
    private static final AttachmentKey<End> END = AttachmentKey.create(End.class);
    /** Http2ServerConnection keeps its Http2Channel private; the notice needs it (checked by GateTest). */
    private static final VarHandle HTTP2_CHANNEL = http2ChannelHandle();

    private final HttpHandler next;
    private final AtomicInteger running = new AtomicInteger();
    /** The connections that have sent a request and are open. */
    private final Set<Peer> peers = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;
    /** When the last request started during the drain (System.nanoTime). */
    private volatile long lastStart;
    private final ConduitWrapper<StreamSinkConduit> closeWhenDraining = this::closeWhenDraining;

    public Gate(HttpHandler next) {
        this.next = next;
    }

    /** One client connection, HTTP/1.x or HTTP/2, and its requests not yet ended. */
    private static final class Peer {
        /** The HTTP/1.x connection; null for HTTP/2, whose stream connections hold their exchange. */
        private final ServerConnection connection;
        /** The HTTP/2 connection; null for HTTP/1.x (or if Undertow hid it, see HTTP2_CHANNEL). */
        private final Http2Channel h2;
        /**
         * Its requests not yet ended: null, one {@link End}, or a list of them (HTTP/2 streams at
         * once). Not a concurrent set: that would keep its table for as long as the connection is
         * open, idle or not (about 200 bytes each, with tens of thousands of idle connections).
         * Guarded by this.
         */
        private Object open;
        private volatile boolean closed;
        /** Upgraded (WebSocket, h2c): no more HTTP/1.1 requests; left for the apps to close. */
        private volatile boolean upgraded;

        Peer(ServerConnection connection) {
            boolean http2 = connection instanceof Http2ServerConnection;
            this.connection = http2 ? null : connection;
            this.h2 = http2 && HTTP2_CHANNEL != null ? (Http2Channel) HTTP2_CHANNEL.get(connection) : null;
        }

        synchronized void add(End end) {
            if (open == null) {
                open = end;
            } else if (open instanceof End first) {
                List<End> ends = new ArrayList<>(4);
                ends.add(first);
                ends.add(end);
                open = ends;
            } else {
                ends().add(end);
            }
        }

        synchronized void remove(End end) {
            if (open == end) {
                open = null;
            } else if (open instanceof List<?>) {
                List<End> ends = ends();
                ends.remove(end);
                if (ends.isEmpty()) {
                    open = null;
                }
            }
        }

        synchronized List<End> open() {
            if (open == null) {
                return List.of();
            }
            return open instanceof End one ? List.of(one) : List.copyOf(ends());
        }

        synchronized boolean idle() {
            return open == null;
        }

        @SuppressWarnings("unchecked")
        private List<End> ends() {
            return (List<End>) open;
        }
    }

    /**
     * Told when a request ends (see {@link #whenEnded}). One instance may serve every request
     * (it is given the exchange), so that counting requests allocates nothing per request.
     */
    @FunctionalInterface
    public interface Ended {
        void ended(HttpServerExchange exchange);
    }

    /** The end of one request; runs its actions once. */
    private final class End implements ExchangeCompletionListener {
        private final Peer peer;
        private final HttpServerExchange exchange;
        private List<Ended> actions;
        private boolean ended;

        End(Peer peer, HttpServerExchange exchange) {
            this.peer = peer;
            this.exchange = exchange;
        }

        @Override
        public void exchangeEvent(HttpServerExchange exchange, NextListener nextListener) {
            try {
                if (exchange.getStatusCode() == 101) {
                    peer.upgraded = true;
                }
                end();
            } finally {
                nextListener.proceed();
            }
        }

        void end() {
            List<Ended> run;
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                run = actions;
                actions = null;
            }
            peer.remove(this);
            running.decrementAndGet();
            if (run != null) {
                for (Ended action : run) {
                    action.ended(exchange);
                }
            }
        }

        void whenEnded(Ended action) {
            synchronized (this) {
                if (!ended) {
                    if (actions == null) {
                        actions = new ArrayList<>(2);
                    }
                    actions.add(action);
                    return;
                }
            }
            action.ended(exchange);
        }
    }

    /**
     * Runs action once when the request ends: its exchange completes or its connection closes.
     * Call it while handling the request; without a gate in front, on the exchange's completion.
     */
    public static void whenEnded(HttpServerExchange exchange, Ended action) {
        End end = exchange.getAttachment(END);
        if (end != null) {
            end.whenEnded(action);
        } else {
            exchange.addExchangeCompleteListener((done, nextListener) -> {
                try {
                    action.ended(done);
                } finally {
                    nextListener.proceed();
                }
            });
        }
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Peer peer = peer(exchange);
        End end = new End(peer, exchange);
        running.incrementAndGet();
        peer.add(end);
        if (peer.closed) {
            end.end(); // the connection closed meanwhile: its close saw the set before this request
        }
        exchange.putAttachment(END, end);
        exchange.addExchangeCompleteListener(end);
        if (peer.connection != null) {
            exchange.addResponseWrapper(closeWhenDraining);
        }
        if (draining) {
            lastStart = System.nanoTime();
        }
        next.handleRequest(exchange);
    }

    private StreamSinkConduit closeWhenDraining(ConduitFactory<StreamSinkConduit> factory, HttpServerExchange exchange) {
        // runs as the response starts, before Undertow writes the Connection header from this flag
        if (draining && exchange.getStatusCode() != 101) {
            exchange.setPersistent(false);
        }
        return factory.create();
    }

    /** The connection's peer, created with its first request (on the connection's I/O thread). */
    private Peer peer(HttpServerExchange exchange) {
        ServerConnection connection = exchange.getConnection();
        Peer peer = connection.getAttachment(PEER);
        if (peer != null) {
            return peer;
        }
        Peer created = new Peer(connection);
        connection.putAttachment(PEER, created);
        peers.add(created);
        connection.addCloseListener(closed -> closed(created));
        if (!connection.isOpen()) {
            closed(created);
        }
        if (draining) {
            notice(created); // it was accepted just before the listener closed
        }
        return created;
    }

    private void closed(Peer peer) {
        peer.closed = true;
        peers.remove(peer);
        for (End end : peer.open()) {
            end.end();
        }
    }

    /** Requests running now. */
    public int running() {
        return running.get();
    }

    /**
     * Starts the drain: from now on HTTP/1.1 responses say {@code Connection: close} and each
     * HTTP/2 connection gets the shutdown notice. Call it before closing the listening sockets, so
     * that no request can arrive between the two unmarked.
     */
    public void startDrain() {
        lastStart = System.nanoTime();
        draining = true;
        peers.forEach(this::notice);
    }

    /**
     * Waits until no request runs and none has started for {@link #GRACE} (or no connection is
     * left), or until the timeout; then closes the HTTP/1.1 connections left idle and sends the
     * HTTP/2 ones their final GOAWAY. The caller has called {@link #startDrain} and closed the
     * listening sockets.
     *
     * @return false if requests were still running at the deadline
     */
    public boolean awaitDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean idle;
        while (true) {
            long now = System.nanoTime();
            idle = running.get() == 0;
            if (idle && (now - lastStart >= GRACE.toNanos() || peers.stream().allMatch(p -> p.upgraded))) {
                break;
            }
            if (now - deadline >= 0) {
                break;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        peers.forEach(this::close);
        return idle;
    }

    private void notice(Peer peer) {
        if (peer.h2 != null) {
            peer.h2.getIoThread().execute(() -> {
                try {
                    ShutdownNotice.send(peer.h2);
                } catch (IOException e) {
                    IoUtils.safeClose(peer.h2);
                }
            });
        }
    }

    private void close(Peer peer) {
        if (peer.h2 != null) {
            // the final GOAWAY names the last stream processed; Undertow closes the connection after it
            peer.h2.getIoThread().execute(() -> peer.h2.sendGoAway(Http2Channel.ERROR_NO_ERROR));
        } else if (peer.connection != null && !peer.upgraded && peer.idle()) {
            IoUtils.safeClose(peer.connection);
        }
    }

    private static VarHandle http2ChannelHandle() {
        try {
            return MethodHandles.privateLookupIn(Http2ServerConnection.class, MethodHandles.lookup())
                    .findVarHandle(Http2ServerConnection.class, "channel", Http2Channel.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("HTTP/2 connections will be closed at shutdown without a GOAWAY notice first: {}", e.toString());
            return null;
        }
    }

    static boolean http2NoticeAvailable() {
        return HTTP2_CHANNEL != null;
    }
}
