package dev.container.testing;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A real Undertow on 127.0.0.1 and an ephemeral port, serving one handler under a path prefix
 * the way the container's router mounts it, with an HTTP/1.1 or HTTP/2 (cleartext, h2c
 * upgrade) client for it. Raw requests go
 * through a plain socket so that paths reach the server exactly as written, which
 * java.net.http would normalise. Close it to stop the server.
 */
public final class UndertowFixture implements AutoCloseable {
    /** The status line and everything after it, as the server sent it. */
    public record RawResponse(int status, String text) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Undertow undertow;
    private final int port;
    private final HttpClient client;

    private UndertowFixture(Undertow undertow, Protocol protocol) {
        this.undertow = undertow;
        this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        this.client = HttpClient.newBuilder().version(protocol.version()).connectTimeout(TIMEOUT).build();
    }

    /** Starts a server with handler mounted at prefix ("/" or "/name"), spoken to over HTTP/1.1. */
    public static UndertowFixture mount(String prefix, HttpHandler handler) {
        return mount(prefix, handler, Protocol.HTTP_1_1, builder -> builder);
    }

    /** As {@link #mount(String, HttpHandler)}, spoken to over protocol. */
    public static UndertowFixture mount(String prefix, HttpHandler handler, Protocol protocol) {
        return mount(prefix, handler, protocol, builder -> builder);
    }

    /** As {@link #mount(String, HttpHandler)}, with server options set by customize. */
    public static UndertowFixture mount(String prefix, HttpHandler handler, UnaryOperator<Undertow.Builder> customize) {
        return mount(prefix, handler, Protocol.HTTP_1_1, customize);
    }

    private static UndertowFixture mount(String prefix, HttpHandler handler, Protocol protocol,
                                         UnaryOperator<Undertow.Builder> customize) {
        Undertow undertow = customize.apply(Undertow.builder()
                        .addHttpListener(0, "127.0.0.1")
                        .setIoThreads(1)
                        .setWorkerThreads(4)
                        .setServerOption(UndertowOptions.ENABLE_HTTP2, protocol == Protocol.HTTP_2)
                        .setHandler(Handlers.path().addPrefixPath(prefix, handler)))
                .build();
        undertow.start();
        return new UndertowFixture(undertow, protocol);
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A request builder for path with a timeout set, to add headers to and {@link #send}. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT);
    }

    /** GET path with the given header name, value pairs. */
    public HttpResponse<byte[]> get(String path, String... headers) {
        HttpRequest.Builder request = request(path).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    public HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends "GET requestTarget HTTP/1.1" byte for byte and reads the response to its end. */
    public RawResponse raw(String requestTarget) {
        String request = "GET " + requestTarget + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            in.transferTo(response);
            String text = response.toString(StandardCharsets.ISO_8859_1);
            return new RawResponse(Integer.parseInt(text.substring(9, 12)), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        undertow.stop();
    }
}
