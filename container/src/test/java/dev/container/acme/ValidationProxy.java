package dev.container.acme;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

/**
 * A TCP relay on the port where Pebble validates, to a node's port: before it relays a
 * connection it runs a hook with the connection's number (1, 2, ...), while Pebble waits on that
 * validation, so a test acts at a known point of an order (ends a session, looks at the locks).
 * Closing it closes the port and the relayed connections; its threads are daemons.
 */
final class ValidationProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final IntConsumer beforeRelay;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private int connections;

    ValidationProxy(int port, int target, IntConsumer beforeRelay) throws IOException {
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.target = target;
        this.beforeRelay = beforeRelay;
        Thread accept = new Thread(this::accept, "validation-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                int n;
                synchronized (this) {
                    n = ++connections;
                }
                Thread relay = new Thread(() -> relay(client, n), "validation-proxy-" + n);
                relay.setDaemon(true);
                relay.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(Socket client, int n) {
        try {
            beforeRelay.accept(n);
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
            open.add(upstream);
            Thread back = new Thread(() -> copy(upstream, client), "validation-proxy-back-" + n);
            back.setDaemon(true);
            back.start();
            copy(client, upstream);
        } catch (IOException | RuntimeException e) {
            close(client);
        }
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed
        } finally {
            close(from);
            close(to);
        }
    }

    /** How many connections Pebble made so far. */
    synchronized int connections() {
        return connections;
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(ValidationProxy::close);
    }
}
