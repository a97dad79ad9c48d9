package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.Container;
import dev.container.config.PlanBuilder;
import dev.container.testing.RawHttp;
import dev.container.testing.WarBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * limits.body-timeout and body-min-rate against real slow clients on raw sockets (HTTP/1.1) and
 * python3-h2 (HTTP/2, h2c): a stalled or trickled body fails the app's read with an
 * IOException, the connection (or the HTTP/2 stream) is closed, and the worker is free again.
 */
class BodyTimeoutTest {
    @TempDir
    static Path dir;
    static Path war;

    @BeforeAll
    static void buildApp() throws IOException {
        war = new WarBuilder()
                .java("app.Echo", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/echo")
                        public class Echo extends jakarta.servlet.http.HttpServlet {
                            protected void doPost(jakarta.servlet.http.HttpServletRequest req,
                                                  jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                try {
                                    byte[] body = req.getInputStream().readAllBytes();
                                    resp.getWriter().print("read " + body.length);
                                } catch (java.io.IOException e) {
                                    getServletContext().setAttribute("failure", e.getClass().getName());
                                    throw e;
                                }
                            }
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("failure=" + getServletContext().getAttribute("failure"));
                            }
                        }
                        """)
                .java("app.Ignore", """
                        package app;
                        @jakarta.servlet.annotation.WebServlet("/ignore")
                        public class Ignore extends jakarta.servlet.http.HttpServlet {
                            protected void doPost(jakarta.servlet.http.HttpServletRequest req,
                                                  jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                resp.getWriter().print("ignored");
                            }
                        }
                        """)
                .java("app.Async", """
                        package app;
                        import jakarta.servlet.*;
                        @jakarta.servlet.annotation.WebServlet(urlPatterns = "/async", asyncSupported = true)
                        public class Async extends jakarta.servlet.http.HttpServlet {
                            protected void doPost(jakarta.servlet.http.HttpServletRequest req,
                                                  jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                AsyncContext async = req.startAsync();
                                async.setTimeout(0);
                                ServletInputStream in = req.getInputStream();
                                in.setReadListener(new ReadListener() {
                                    int total;
                                    public void onDataAvailable() throws java.io.IOException {
                                        byte[] buffer = new byte[1024];
                                        while (in.isReady() && !in.isFinished()) {
                                            int n = in.read(buffer);
                                            if (n > 0) {
                                                total += n;
                                            }
                                        }
                                    }
                                    public void onAllDataRead() throws java.io.IOException {
                                        resp.getWriter().print("read " + total);
                                        async.complete();
                                    }
                                    public void onError(Throwable t) {
                                        getServletContext().setAttribute("failure", "async " + t.getClass().getName());
                                        async.complete();
                                    }
                                });
                            }
                        }
                        """)
                .buildWar(dir.resolve("app.war"));
    }

    private static Container start(String name, String limits) throws IOException {
        return start(name, limits, "");
    }

    private static Container start(String name, String limits, String appKeys) throws IOException {
        Path conf = Files.writeString(dir.resolve(name + ".conf"), """
                listeners = [{ host = "127.0.0.1", port = 0, h2c = true }]
                apps = [{ war = "%s", path = /app %s }]
                limits { %s }
                """.formatted(war, appKeys, limits));
        return Container.start(new PlanBuilder().configFile(conf).stateDir(dir.resolve(name))
                .shutdownTimeout(Duration.ofSeconds(1)).build());
    }

    private static int port(Container container) {
        return container.urls().get(0).getPort();
    }

    /** Sends the head of a POST of length bytes, then a byte every interval; what the client saw. */
    /** A body larger than what is read before the app gets the request: the app reads it, as it trickles. */
    private static final int LARGE = 70_000;

    private static SlowClient trickle(int port, int length, Duration interval, Duration max) throws IOException {
        return trickle(port, "/app/echo", length, 0, interval, max);
    }

    /** A client that sends the head of a POST of length bytes, initial of them at once, then a byte per interval. */
    private static SlowClient trickle(int port, String path, int length, int initial, Duration interval, Duration max)
            throws IOException {
        return new SlowClient(port, path, length, initial, interval, max);
    }

    private static final class SlowClient {
        final int sent;
        final boolean cut;
        final String response;

        SlowClient(int port, String path, int length, int initial, Duration interval, Duration max) throws IOException {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(("POST " + path + " HTTP/1.1\r\nHost: a\r\nContent-Length: " + length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                out.write("x".repeat(initial).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                long deadline = System.nanoTime() + max.toNanos();
                int n = initial;
                boolean closed = false;
                var answer = new java.io.ByteArrayOutputStream();
                socket.setSoTimeout((int) Math.max(1, interval.toMillis()));
                while (System.nanoTime() < deadline && !closed) {
                    if (n < length && answer.size() == 0) { // no more body once the server has answered
                        try {
                            out.write('x');
                            out.flush();
                            n++;
                        } catch (SocketException e) {
                            closed = true; // reset: the server closed it
                            break;
                        }
                    }
                    try {
                        byte[] buffer = new byte[4096];
                        int got = in.read(buffer);
                        if (got < 0) {
                            closed = true;
                        } else {
                            answer.write(buffer, 0, got);
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        if (answer.size() > 0) {
                            break; // answered and kept open
                        }
                    } catch (SocketException e) {
                        closed = true;
                    }
                }
                this.sent = n;
                this.cut = closed;
                this.response = answer.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    @Test
    void small_body_that_stalls_is_cut_before_the_app_gets_a_worker_with_408() throws Exception {
        try (Container container = start("small", "body-timeout = 1s, body-min-rate = 0B")) {
            SlowClient client = trickle(port(container), 10, Duration.ofSeconds(20), Duration.ofSeconds(20));
            assertThat(client.sent).isEqualTo(1);
            assertThat(client.cut).isTrue();
            assertThat(client.response).startsWith("HTTP/1.1 408 ");
            // read while it came, on the I/O thread: the app never had the request
            assertThat(RawHttp.get(port(container), "a", "/app/echo").body()).isEqualTo("failure=null");
        }
    }

    @Test
    void slow_posts_of_small_bodies_hold_no_worker_and_the_app_answers_others_meanwhile() throws Exception {
        // 20 clients trickling a 100-byte body (20 s each) against an app with 2 workers
        try (Container container = start("slowpost", "body-timeout = 30s, body-min-rate = 0B", ", max-requests = 2")) {
            int port = port(container);
            List<java.net.Socket> slow = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
                slow.add(socket);
                socket.getOutputStream().write("POST /app/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nx"
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            try {
                for (int i = 0; i < 5; i++) {
                    RawHttp normal = RawHttp.send(port, "POST /app/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                            + "Connection: close\r\n\r\nabc");
                    assertThat(normal.body()).isEqualTo("read 3");
                    for (java.net.Socket socket : slow) {
                        socket.getOutputStream().write('x');
                    }
                }
            } finally {
                for (java.net.Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void large_body_that_stalls_while_the_app_reads_it_fails_the_apps_read_with_an_io_exception() throws Exception {
        try (Container container = start("idle", "body-timeout = 1s, body-min-rate = 0B")) {
            SlowClient client = trickle(port(container), "/app/echo", LARGE + 10, LARGE, Duration.ofSeconds(20),
                    Duration.ofSeconds(20));
            assertThat(client.sent).isEqualTo(LARGE + 1);
            assertThat(client.cut).isTrue();
            assertThat(client.response).startsWith("HTTP/1.1 408 ").doesNotContain("read ");
            assertThat(RawHttp.get(port(container), "a", "/app/echo").body())
                    .isEqualTo("failure=org.xnio.channels.ReadTimeoutException");
        }
    }

    @Test
    void body_that_trickles_below_the_minimum_rate_is_cut_although_no_single_wait_is_long() throws Exception {
        try (Container container = start("rate", "body-timeout = 1s, body-min-rate = 20KiB")) {
            SlowClient client = trickle(port(container), "/app/echo", 1_000, 0, Duration.ofMillis(250), Duration.ofSeconds(20));
            // 1 s of grace plus 1 s per 20 KiB: waits of 250 ms per byte use it up after about 5 bytes
            assertThat(client.cut).isTrue();
            assertThat(client.sent).isLessThan(60);
            assertThat(client.response).startsWith("HTTP/1.1 408 ");

            // the first 70 000 bytes at once earn 3.4 s more; then the app's read is cut
            SlowClient large = trickle(port(container), "/app/echo", LARGE + 100, LARGE, Duration.ofMillis(250),
                    Duration.ofSeconds(20));
            assertThat(large.cut).isTrue();
            assertThat(large.sent).isLessThan(LARGE + 100);
            assertThat(RawHttp.get(port(container), "a", "/app/echo").body())
                    .isEqualTo("failure=org.xnio.channels.ReadTimeoutException");
        }
    }

    @Test
    void unread_body_that_stalls_while_undertow_drains_it_closes_the_connection() throws Exception {
        try (Container container = start("drain", "body-timeout = 1s, body-min-rate = 0B")) {
            SlowClient client = trickle(port(container), "/app/ignore", LARGE + 10, LARGE, Duration.ofSeconds(20),
                    Duration.ofSeconds(20));
            assertThat(client.response).startsWith("HTTP/1.1 200").endsWith("ignored");
            assertThat(client.cut).isTrue();
        }
    }

    @Test
    void read_listener_waiting_for_a_stalled_body_gets_on_error_with_the_timeout() throws Exception {
        try (Container container = start("async", "body-timeout = 1s, body-min-rate = 0B")) {
            SlowClient client = trickle(port(container), "/app/async", LARGE + 10, LARGE, Duration.ofSeconds(20),
                    Duration.ofSeconds(20));
            assertThat(client.cut).isTrue();
            assertThat(client.response).doesNotContain("read ");
            assertThat(RawHttp.get(port(container), "a", "/app/echo").body())
                    .isEqualTo("failure=async org.xnio.channels.ReadTimeoutException");
        }
    }

    @Test
    void body_with_short_pauses_and_no_minimum_rate_is_read_whole() throws Exception {
        try (Container container = start("pauses", "body-timeout = 2s, body-min-rate = 0B")) {
            SlowClient small = trickle(port(container), 8, Duration.ofMillis(250), Duration.ofSeconds(20));
            assertThat(small.cut).isFalse();
            assertThat(small.response).startsWith("HTTP/1.1 200").contains("read 8");
            SlowClient large = trickle(port(container), "/app/echo", LARGE + 8, LARGE, Duration.ofMillis(250),
                    Duration.ofSeconds(20));
            assertThat(large.cut).isFalse();
            assertThat(large.response).startsWith("HTTP/1.1 200").contains("read " + (LARGE + 8));
        }
    }

    @Test
    void trickling_clients_that_hold_all_of_the_apps_workers_are_cut_and_the_app_answers_again() throws Exception {
        // 16 slow POSTs of large bodies against a share of 4 workers: without the cut the fifth would wait forever
        try (Container container = start("many", "body-timeout = 1s, body-min-rate = 20KiB", ", max-requests = 4")) {
            int port = port(container);
            List<Thread> clients = new ArrayList<>();
            List<SlowClient> results = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 16; i++) {
                Thread t = new Thread(() -> {
                    try {
                        results.add(trickle(port, "/app/echo", LARGE + 1000, LARGE, Duration.ofMillis(500),
                                Duration.ofSeconds(40)));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                t.start();
                clients.add(t);
            }
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(50));
            }
            assertThat(results).hasSize(16).allSatisfy(c -> assertThat(c.cut).isTrue());
            RawHttp normal = RawHttp.send(port, "POST /app/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                    + "Connection: close\r\n\r\nabc");
            assertThat(normal.status()).isEqualTo(200);
            assertThat(normal.body()).isEqualTo("read 3");
        }
    }

    private static List<String> h2Client(int port, int length, double interval, double max) throws Exception {
        return h2Client(port, length, interval, max, 0);
    }

    private static List<String> h2Client(int port, int length, double interval, double max, int initial) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "needs /usr/bin/python3 with python3-h2 (Debian package python3-h2)");
        Process check = new ProcessBuilder(python.toString(), "-c", "import h2").redirectErrorStream(true).start();
        Assumptions.assumeTrue(check.waitFor() == 0, "needs python3-h2 (Debian package python3-h2)");
        Path script = Path.of(BodyTimeoutTest.class.getResource("/h2/slow_body.py").toURI());
        Process client = new ProcessBuilder(python.toString(), script.toString(), String.valueOf(port), "/app/echo",
                String.valueOf(length), String.valueOf(interval), String.valueOf(max), String.valueOf(initial))
                .redirectErrorStream(true).start();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.lines().toList();
    }

    @Test
    void http2_small_body_that_stalls_is_cut_before_the_app_gets_it() throws Exception {
        try (Container container = start("h2small", "body-timeout = 1s, body-min-rate = 0B")) {
            List<String> events = h2Client(port(container), 10, 30, 20);
            assertThat(events).containsExactly("sent 1", "reset 8", "end 1");
            assertThat(RawHttp.get(port(container), "a", "/app/echo").body()).isEqualTo("failure=null");
        }
    }

    @Test
    void http2_large_body_whose_data_stalls_is_reset_and_the_app_sees_an_io_exception() throws Exception {
        try (Container container = start("h2idle", "body-timeout = 1s, body-min-rate = 0B")) {
            List<String> events = h2Client(port(container), LARGE + 10, 30, 20, LARGE);
            // RST_STREAM CANCEL: the stream ends, the connection (and its other streams) goes on
            assertThat(events).containsExactly("sent initial " + LARGE, "sent " + (LARGE + 1), "reset 8", "end " + (LARGE + 1));
            assertThat(RawHttp.get(port(container), "a", "/app/echo").body())
                    .isEqualTo("failure=org.xnio.channels.ReadTimeoutException");
        }
    }

    @Test
    void http2_stream_whose_data_trickles_below_the_minimum_rate_is_reset() throws Exception {
        try (Container container = start("h2rate", "body-timeout = 1s, body-min-rate = 20KiB")) {
            List<String> events = h2Client(port(container), LARGE + 60, 0.25, 20, LARGE);
            assertThat(events).contains("reset 8").noneMatch(e -> e.startsWith("response") || e.startsWith("goaway"));
            assertThat(events.get(events.size() - 1)).matches("end \\d+").isNotEqualTo("end " + (LARGE + 60));
        }
    }

    @Test
    void http2_body_with_short_pauses_is_read_whole() throws Exception {
        try (Container container = start("h2pauses", "body-timeout = 2s, body-min-rate = 0B")) {
            List<String> events = h2Client(port(container), 6, 0.25, 20);
            assertThat(events).contains("response 200", "data read 6");
        }
    }
}
