package dev.container.server;

import dev.container.StartupError;
import dev.container.config.ListenerSpec;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Undertow server: its listeners and the outermost handlers (the graceful-shutdown gate).
 * {@link #drain} stops accepting connections and waits, bounded, for in-flight requests;
 * {@link #stop} closes everything. Start and stop from one thread.
 */
public final class HttpServer {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final List<ListenerSpec> listeners;
    private final GracefulShutdownHandler gate;
    private Undertow undertow;

    public HttpServer(List<ListenerSpec> listeners, HttpHandler handler) {
        this.listeners = List.copyOf(listeners);
        this.gate = new GracefulShutdownHandler(handler);
    }

    public void start() {
        var builder = Undertow.builder().setHandler(gate);
        for (ListenerSpec listener : listeners) {
            builder.addHttpListener(listener.port(), listener.host());
        }
        Undertow server = builder.build();
        try {
            server.start();
        } catch (RuntimeException e) {
            server.stop();
            throw new StartupError(bindProblem(e), e);
        }
        undertow = server;
    }

    /** The bound address of each listener, in plan order (port 0 resolved to the real port). */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> result = new ArrayList<>();
        for (Undertow.ListenerInfo info : undertow.getListenerInfo()) {
            result.add((InetSocketAddress) info.getAddress());
        }
        return result;
    }

    /** Stops accepting, refuses new requests on open connections, waits for in-flight ones. */
    public boolean drain(Duration timeout) {
        if (undertow == null) {
            return true;
        }
        for (Undertow.ListenerInfo info : undertow.getListenerInfo()) {
            info.suspend();
        }
        gate.shutdown();
        try {
            return gate.awaitShutdown(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void stop() {
        if (undertow != null) {
            undertow.stop();
            undertow = null;
        }
    }

    /** Names the listener at fault: Undertow's exception does not say which bind failed. */
    private String bindProblem(RuntimeException e) {
        log.debug("bind failed", e);
        for (ListenerSpec listener : listeners) {
            if (listener.port() == 0) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(listener.host(), listener.port()));
            } catch (IOException busy) {
                return "cannot listen on " + listener.authority(listener.port()) + ": " + busy.getMessage();
            }
        }
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof BindException)) {
            cause = cause.getCause();
        }
        return "cannot start listeners: " + cause.getMessage();
    }
}
