package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.Limits;
import dev.container.config.PlanBuilder;
import dev.container.probe.Reply;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import dev.container.tls.TestCerts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strict HTTP/1.1 framing on a real server, over raw sockets on the plain and the TLS
 * listener: what RFC 9112 calls malformed is refused with its status and the connection closed,
 * nothing smuggled in a body is served, limits answer 413/414/431, and valid requests (pipelined,
 * chunked, sent a byte at a time) are served as before.
 */
class StrictHttp1Test {
    private static final String APP = """
            package app;
            import jakarta.servlet.annotation.WebServlet;
            import jakarta.servlet.http.*;
            import java.io.IOException;

            public class Servlets {
                /** Reads the whole body and says how long it was. */
                @WebServlet("/body")
                public static class Body extends HttpServlet {
                    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        long n = req.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                        resp.getWriter().print("read " + n);
                    }
                }

                @WebServlet("/hello")
                public static class Hello extends HttpServlet {
                    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.getWriter().print("hello " + req.getMethod());
                    }
                }
            }
            """;
    /** 200 KiB of body at most: more than the 64 KiB read before an app gets the request. */
    private static final int MAX_BODY = 200 * 1024;
    private static final Limits LIMITS = new Limits(MAX_BODY, PlanBuilder.DEFAULT_LIMITS.maxHeaderSize(),
            Duration.ofSeconds(60), Duration.ofSeconds(2), 10_000, 100, 8 * 1024, 100, Duration.ofSeconds(30), 512,
            Duration.ofSeconds(30));

    @TempDir
    static Path dir;
    private static TestServer server;
    private static int plain;
    private static int tls;
    private static SSLContext trust;

    @BeforeAll
    static void start() throws Exception {
        Path war = new WarBuilder().java("app.Servlets", APP).buildWar(dir.resolve("app.war"));
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost");
        trust = TestCerts.trusting(cert.certificate());
        Path site = java.nio.file.Files.createDirectories(dir.resolve("site"));
        java.nio.file.Files.writeString(site.resolve("index.html"), "<p>site</p>");
        server = TestServer.start(dir.resolve("state"), p -> p.war(war + ":/app").staticDir(site + ":/site", false).limits(LIMITS)
                .https("127.0.0.1:0").cert(cert.cert(), cert.key()));
        for (var url : server.container().urls()) {
            if (url.getScheme().equals("https")) {
                tls = url.getPort();
            } else {
                plain = url.getPort();
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What came back on one connection: the responses, and whether the server closed it. */
    private record Answer(List<Reply> replies, boolean closed) {
        int first() {
            return replies.isEmpty() ? 0 : replies.get(0).status();
        }
    }

    private static Socket connect(boolean secure) throws Exception {
        if (!secure) {
            return new Socket("127.0.0.1", plain);
        }
        SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", tls);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static Answer send(boolean secure, String request) throws Exception {
        try (Socket socket = connect(secure)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return read(socket, Duration.ofSeconds(3));
        }
    }

    /** Reads until the server closes, or nothing came for the quiet time. */
    private static Answer read(Socket socket, Duration quiet) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        socket.setSoTimeout((int) quiet.toMillis());
        boolean closed = false;
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                got.write(buffer, 0, n);
            }
            closed = true;
        } catch (SocketTimeoutException e) {
            closed = false;
        } catch (SocketException e) {
            closed = true; // reset
        }
        return new Answer(Reply.parseAll(got.toByteArray(), false, closed), closed);
    }

    private static final String SMUGGLED = "GET /app/hello HTTP/1.1\r\nHost: a\r\n\r\n";

    @Test
    void a_request_hidden_in_a_body_with_an_unknown_coding_is_never_served() throws Exception {
        for (boolean secure : new boolean[] {false, true}) {
            String body = Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n";
            Answer a = send(secure, "POST /app/body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n" + body);
            assertThat(a.replies()).as(secure ? "over TLS" : "plain").hasSize(1);
            assertThat(a.first()).isEqualTo(501);
            assertThat(a.replies().get(0).header("connection")).contains("close");
            assertThat(a.replies().get(0).body()).isEqualTo("Not Implemented\n").doesNotContain("Undertow");
            assertThat(a.closed()).isTrue();
        }
    }

    @Test
    void a_malformed_host_is_400_and_closed_a_good_one_served() throws Exception {
        // the first by RequestFraming, the others by our io.undertow.server.handlers.HostHeaderHandler
        for (String host : List.of("a/b", "a:0", "a:65536", "a:x", "[::1", "1:2]", "[::g]", "a%zz")) {
            Answer a = send(false, "GET /app/hello HTTP/1.1\r\nHost: " + host + "\r\n\r\n" + SMUGGLED);
            assertThat(a.replies()).as(host).hasSize(1);
            assertThat(a.first()).as(host).isEqualTo(400);
            assertThat(a.closed()).as(host).isTrue();
        }
        for (String host : List.of("127.0.0.1:8080", "127.0.0.1", "[::1]:80", "a%41.example")) {
            Answer a = send(false, "GET /app/hello HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertThat(a.first()).as(host).isEqualTo(200);
        }
    }

    @Test
    void header_syntax_that_lenient_parsers_read_two_ways_is_400_and_closed() throws Exception {
        for (String head : List.of("X-Probe : 1", "X-Probe: a\rb", "X-Probe: a\0b", "X-Probe: a\r\n b", "Transfer-Encoding : chunked")) {
            Answer a = send(false, "GET /app/hello HTTP/1.1\r\nHost: a\r\n" + head + "\r\n\r\n" + SMUGGLED);
            assertThat(a.replies()).as(head).hasSize(1);
            assertThat(a.first()).as(head).isEqualTo(400);
            assertThat(a.closed()).isTrue();
        }
    }

    @Test
    void junk_in_a_chunk_size_fails_the_apps_read_with_400_and_closes() throws Exception {
        for (boolean secure : new boolean[] {false, true}) {
            Answer a = send(secure, "POST /app/body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5zz\r\nhello\r\n0\r\n\r\n"
                    + SMUGGLED);
            assertThat(a.replies()).hasSize(1);
            assertThat(a.first()).isEqualTo(400);
            assertThat(a.closed()).isTrue();
        }
    }

    @Test
    void junk_in_a_chunk_size_after_the_app_started_reading_fails_its_read_with_400() throws Exception {
        try (Socket socket = connect(false)) {
            OutputStream out = socket.getOutputStream();
            // more than the 64 KiB read before the app gets the request, so the app reads the rest itself
            String chunk = "z".repeat(70_000);
            out.write(("POST /app/body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(500);
            out.write(("5zz\r\nhello\r\n0\r\n\r\n" + SMUGGLED).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Answer a = read(socket, Duration.ofSeconds(3));
            assertThat(a.replies()).extracting(Reply::status).containsExactly(400);
            assertThat(a.closed()).isTrue();
        }
    }

    @Test
    void a_chunked_body_over_the_limit_gets_413_while_the_app_reads_it() throws Exception {
        String chunk = "x".repeat(MAX_BODY / 2 + 1);
        String size = Integer.toHexString(chunk.length());
        Answer a = send(false, "POST /app/body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + size + "\r\n" + chunk + "\r\n" + size + "\r\n" + chunk + "\r\n0\r\n\r\n");
        assertThat(a.first()).isEqualTo(413);
        assertThat(a.closed()).isTrue();
    }

    @Test
    void a_content_length_over_the_limit_gets_413_before_any_body_is_sent() throws Exception {
        Answer a = send(false, "POST /app/body HTTP/1.1\r\nHost: a\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n\r\n");
        assertThat(a.first()).isEqualTo(413);
        assertThat(a.closed()).isTrue();
    }

    @Test
    void bodies_within_the_limit_chunked_or_not_are_read_whole() throws Exception {
        Answer a = send(false, "POST /app/body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=\"a b\"\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
                + "POST /app/body HTTP/1.1\r\nHost: a\r\nContent-Length: 1024\r\n\r\n" + "y".repeat(1024));
        assertThat(a.replies()).extracting(Reply::body).containsExactly("read 11", "read 1024");
        assertThat(a.closed()).isFalse();
    }

    @Test
    void a_long_request_line_is_414_and_a_large_head_431() throws Exception {
        assertThat(send(false, "GET /app/hello?" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n").first()).isEqualTo(414);
        assertThat(send(true, "GET /app/hello HTTP/1.1\r\nHost: a\r\nX: " + "a".repeat(70_000) + "\r\n\r\n").first()).isEqualTo(431);
    }

    @Test
    void pipelined_requests_before_a_bad_one_are_answered_in_order_then_the_bad_one_and_nothing_after() throws Exception {
        String good = "GET /app/hello HTTP/1.1\r\nHost: a\r\n\r\n";
        Answer a = send(false, good + good + "GET /app/hello HTTP/1.1\r\nHost: a\r\nBad Name: 1\r\n\r\n" + good);
        assertThat(a.replies()).extracting(Reply::status).containsExactly(200, 200, 400);
        assertThat(a.closed()).isTrue();
    }

    @Test
    void a_head_sent_a_byte_at_a_time_is_served() throws Exception {
        try (Socket socket = connect(false)) {
            OutputStream out = socket.getOutputStream();
            for (byte b : "GET /app/hello HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)) {
                out.write(b);
                out.flush();
                Thread.sleep(5);
            }
            Answer a = read(socket, Duration.ofSeconds(2));
            assertThat(a.replies()).extracting(Reply::body).containsExactly("hello GET");
        }
    }

    @Test
    void a_head_not_finished_within_the_request_timeout_is_cut() throws Exception {
        try (Socket socket = connect(false)) {
            socket.getOutputStream().write("GET /app/hello HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.ISO_8859_1));
            long began = System.nanoTime();
            Answer a = read(socket, Duration.ofSeconds(10));
            assertThat(a.closed()).isTrue();
            assertThat(a.replies()).isEmpty();
            // the request timeout is 2 s here; far less would mean the head was never given its time
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThan(Duration.ofMillis(1500));
        }
    }

    @Test
    void after_an_upgrade_the_server_did_not_accept_the_next_request_is_checked_again() throws Exception {
        String upgrade = "GET /app/hello HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: nothing-we-know\r\n\r\n";
        Answer a = send(false, upgrade + "GET /app/hello HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /app/hello HTTP/1.1\r\nHost : a\r\n\r\n");
        assertThat(a.replies()).extracting(Reply::status).containsExactly(200, 200, 400);
        assertThat(a.closed()).isTrue();
    }

    @Test
    void an_upgrade_request_whose_body_comes_after_its_head_is_answered_and_so_is_the_next_request() throws Exception {
        // What java.net.http sends when asked for HTTP/2 on http:// (its default): Upgrade: h2c on
        // every request, a POST's body in a write of its own. The conduit waits for the answer to
        // the upgrade only once it has read the body; the next request was then never read.
        for (boolean secure : List.of(false, true)) {
            try (Socket socket = connect(secure)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /app/body HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                        + "HTTP2-Settings: AAEAAEAAAAIAAAAAAAMAAAAAAAQBAAAAAAUAAEAAAAYABgAA\r\nContent-Length: 5\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.sleep(300); // the app has the request before its body arrives
                out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                // the next request only once the answer to this one is here
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                socket.setSoTimeout(10_000);
                byte[] buffer = new byte[8192];
                while (!got.toString(StandardCharsets.ISO_8859_1).contains("read 5")) {
                    int n = socket.getInputStream().read(buffer);
                    assertThat(n).as("the POST is answered").isPositive();
                    got.write(buffer, 0, n);
                }
                out.write("GET /app/hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                boolean closed = false;
                try {
                    for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
                        got.write(buffer, 0, n);
                    }
                    closed = true;
                } catch (SocketTimeoutException e) {
                    closed = false;
                }
                Answer a = new Answer(Reply.parseAll(got.toByteArray(), false, closed), closed);
                assertThat(a.replies()).as(secure ? "tls" : "plain").extracting(Reply::body).containsExactly("read 5", "hello GET");
                assertThat(a.closed()).isTrue();
            }
        }
    }

    @Test
    void methods_are_case_sensitive_trace_is_refused_and_options_asterisk_is_answered() throws Exception {
        Answer lower = send(false, "get /app/hello HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(lower.replies().get(0).body()).as("the app sees the method as sent").isEqualTo("hello get");
        Answer lowerStatic = send(false, "get /site/index.html HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(lowerStatic.first()).as("a static file is only for GET and HEAD").isEqualTo(405);
        Answer trace = send(false, "TRACE /app/hello HTTP/1.1\r\nHost: a\r\nCookie: secret=1\r\n\r\n");
        assertThat(trace.first()).as("TRACE is refused even where the app's servlet would echo it").isEqualTo(405);
        assertThat(trace.replies().get(0).body()).doesNotContain("secret");
        Answer options = send(false, "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(options.first()).isEqualTo(200);
        assertThat(options.replies().get(0).header("allow")).hasValueSatisfying(v -> assertThat(v).contains("GET"));
    }
}
