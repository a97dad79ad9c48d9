package dev.container.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A response read byte for byte from a plain socket, for requests java.net.http cannot send: a
 * Host header of the test's choice (virtual hosts), or none at all. The body is left as sent
 * (chunked bodies keep their chunk sizes), which is enough for "contains" checks.
 */
public record RawHttp(int status, Map<String, String> headers, String body) {
    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** GET path from 127.0.0.1:port with the given Host header (HTTP/1.1), the connection closed after. */
    public static RawHttp get(int port, String host, String path) {
        return send(port, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    /** Sends request text as is and reads the response until the server closes the connection. */
    public static RawHttp send(int port, String request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            try {
                in.transferTo(response);
            } catch (IOException e) {
                // a reset after the response was sent (the server refused the rest): keep what came
            }
            return parse(response.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** status 0 when the server closed the connection without a response. */
    private static RawHttp parse(String text) {
        if (text.length() < 12) {
            return new RawHttp(0, Map.of(), text);
        }
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = head.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new RawHttp(Integer.parseInt(text.substring(9, 12)), headers, end < 0 ? "" : text.substring(end + 4));
    }

    /** Waits until nothing listens on 127.0.0.1:port any more: a new connection is refused. */
    public static void awaitRefused(int port, java.time.Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try (var probe = new Socket()) {
                probe.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            } catch (IOException e) {
                return; // refused, or accepted by the kernel as the listener closed and then reset: closed all the same
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the listener on port " + port + " never closed");
    }
}
