package dev.container.probe;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One raw connection to the server: bytes out exactly as given, bytes in as they come. Over TLS
 * the ALPN protocols offered are the caller's ("h2", "http/1.1"). Not thread-safe, but
 * {@link #close()} may be called from another thread.
 */
public final class Wire implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean peerClosed;
    private String closedHow = "";

    private Wire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects (plain, or TLS trusting target.tls()) within 5 s; TLS offers the given ALPN protocols. */
    public static Wire open(Target target, Endpoint endpoint, String... alpn) throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 5_000);
        if (!endpoint.tls()) {
            return new Wire(plain);
        }
        SSLContext context = target.tls();
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, endpoint.host(), endpoint.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        if (alpn.length > 0) {
            parameters.setApplicationProtocols(alpn);
        }
        if (!target.host().matches("[0-9.]+|.*:.*")) {
            parameters.setServerNames(List.of(new SNIHostName(target.host())));
        }
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(5_000);
        tls.startHandshake();
        return new Wire(tls);
    }

    /** The protocol ALPN chose ("h2", "http/1.1"), or "" (plain, or no ALPN). */
    public String alpn() {
        return socket instanceof SSLSocket tls && tls.getApplicationProtocol() != null ? tls.getApplicationProtocol() : "";
    }

    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Sends and tolerates the server closing or resetting meanwhile (it may refuse a request
     * before all of it is sent): false when the write failed.
     */
    public boolean trySend(byte[] bytes) {
        try {
            send(bytes);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads what arrives until the server closes the connection, or until nothing has come for
     * {@code quiet}, or {@code limit} has passed.
     */
    public byte[] readUntilQuiet(Duration quiet, Duration limit) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + limit.toNanos();
        byte[] buffer = new byte[16 * 1024];
        while (System.nanoTime() < deadline) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout((int) Math.min(quiet.toMillis(), left));
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                break;
            } catch (SocketException e) {
                peerClosed = true; // reset: closed as far as a client can tell
                closedHow = "reset (" + e.getMessage() + ")";
                break;
            }
            if (n < 0) {
                peerClosed = true;
                closedHow = "closed";
                break;
            }
            got.write(buffer, 0, n);
        }
        return got.toByteArray();
    }

    /** Reads at most n bytes that are there within the timeout (fewer when the server closes). */
    public byte[] readSome(int n, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] buffer = new byte[n];
        try {
            int read = in.read(buffer);
            if (read < 0) {
                peerClosed = true;
                closedHow = "closed";
                return new byte[0];
            }
            return java.util.Arrays.copyOf(buffer, read);
        } catch (SocketTimeoutException e) {
            return new byte[0];
        } catch (SocketException e) {
            peerClosed = true;
            closedHow = "reset (" + e.getMessage() + ")";
            return new byte[0];
        }
    }

    /** Reads exactly n bytes, or throws when the server closes first or the timeout passes. */
    public byte[] readExactly(int n, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            peerClosed = true;
            throw new IOException("connection closed after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    /**
     * Whether the server has closed (or reset) the connection, waiting up to {@code wait} for it;
     * bytes that arrive meanwhile are discarded.
     */
    public boolean closedWithin(Duration wait) throws IOException {
        if (peerClosed) {
            return true;
        }
        readUntilQuiet(wait, wait);
        return peerClosed;
    }

    /** How the server ended the connection: "closed" (end of stream), "reset (...)", or "" while open. */
    public String closedHow() {
        return closedHow;
    }

    /** True once a read saw the end of the stream or a reset. */
    public boolean peerClosed() {
        return peerClosed;
    }

    public InputStream input() {
        return in;
    }

    public OutputStream output() {
        return out;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a dead connection: nothing to do
        }
    }
}
