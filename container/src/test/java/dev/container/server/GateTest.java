package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.ListenerSpec;
import dev.container.config.PlanBuilder;
import dev.container.testing.RawHttp;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.BlockingHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The graceful-shutdown gate on a real listener (HTTP/1.1, and HTTP/2 by prior knowledge through
 * python3-h2, a real frame library): what a client that has sent a request sees while the server
 * drains, and that a request's count ends with its connection.
 */
class GateTest {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    /** /slow waits for release on a worker thread; anything else answers "fast" at once. */
    private final HttpHandler handler = exchange -> {
        if (exchange.getRequestPath().equals("/slow")) {
            exchange.dispatch(() -> {
                entered.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.getResponseSender().send("slow");
            });
        } else {
            exchange.getResponseSender().send("fast");
        }
    };

    private int start(HttpHandler root) {
        server = new HttpServer(List.of(new ListenerSpec("127.0.0.1", 0).withH2c()), PlanBuilder.DEFAULT_LIMITS, null);
        server.start(root);
        return server.addresses().values().iterator().next().getPort();
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void a_request_sent_on_a_kept_alive_connection_during_the_drain_is_answered_and_told_to_close() throws Exception {
        int port = start(handler);
        try (var idle = new Socket("127.0.0.1", port); var busy = new Socket("127.0.0.1", port)) {
            assertThat(exchange(idle, "/fast")).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");
            send(busy, "/slow");
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> server.drain(Duration.ofSeconds(20)));
            RawHttp.awaitRefused(port, Duration.ofSeconds(10));

            // never a 503: the request is served, and the connection closes after it
            assertThat(exchange(idle, "/fast")).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close").endsWith("fast");
            assertThat(idle.getInputStream().read()).as("closed after the answer").isEqualTo(-1);
            // the request in flight when the drain began: its response had not started, so it says close too
            release.countDown();
            assertThat(read(busy)).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close").endsWith("slow");
            assertThat(drained.get(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void drain_gives_up_at_its_timeout_while_a_request_still_runs() throws Exception {
        int port = start(handler);
        try (var busy = new Socket("127.0.0.1", port)) {
            send(busy, "/slow");
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(server.drain(Duration.ofMillis(300))).isFalse();
            assertThat(server.running()).isEqualTo(1);
        }
    }

    @Test
    void drain_returns_at_once_when_no_connection_is_open() {
        start(handler);
        long began = System.nanoTime();
        assertThat(server.drain(Duration.ofSeconds(20))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Gate.GRACE);
    }

    /** Events of one HTTP/2 connection (prior knowledge), printed one a line by python3-h2. */
    private static final String H2_CLIENT = """
            import socket, sys, h2.connection, h2.config, h2.events
            from h2.connection import ConnectionState
            class Graceful(h2.connection.H2Connection):
                def _receive_goaway_frame(self, frame):  # hyper-h2 stops at any GOAWAY; RFC 9113 6.8 does not
                    frames, events = super()._receive_goaway_frame(frame)
                    self.state_machine.state = ConnectionState.CLIENT_OPEN
                    return frames, events
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            c = Graceful(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
            c.initiate_connection()
            c.send_headers(1, [(":method", "GET"), (":scheme", "http"), (":authority", "127.0.0.1"), (":path", "/slow")], end_stream=True)
            s.sendall(c.data_to_send())
            while True:
                data = s.recv(65536)
                if not data:
                    print("eof", flush=True)
                    break
                for e in c.receive_data(data):
                    if isinstance(e, h2.events.ConnectionTerminated):
                        print("goaway", e.last_stream_id, int(e.error_code), flush=True)
                    elif isinstance(e, h2.events.ResponseReceived):
                        print("status", e.stream_id, dict(e.headers)[":status"], flush=True)
                    elif isinstance(e, h2.events.DataReceived):
                        c.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
                        print("data", e.stream_id, e.data.decode(), flush=True)
                    elif isinstance(e, h2.events.StreamEnded):
                        print("end", e.stream_id, flush=True)
                    elif isinstance(e, h2.events.StreamReset):
                        print("reset", e.stream_id, int(e.error_code), flush=True)
                s.sendall(c.data_to_send())
            """;

    @Test
    void http2_gets_a_shutdown_notice_its_open_stream_finishes_then_the_final_goaway_names_it() throws Exception {
        assumePythonH2();
        assertThat(Gate.http2NoticeAvailable()).as("Undertow's HTTP/2 connection is reachable").isTrue();
        int port = start(handler);
        Process client = new ProcessBuilder("/usr/bin/python3", "-c", H2_CLIENT, Integer.toString(port)).redirectErrorStream(true).start();
        var events = lines(client);
        try {
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> server.drain(Duration.ofSeconds(20)));

            // RFC 9113 §6.8: last stream 2^31-1 and NO_ERROR, no new streams; the connection stays open
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("goaway 2147483647 0");
            release.countDown();
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("status 1 200");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("data 1 slow");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("end 1");
            assertThat(drained.get(20, TimeUnit.SECONDS)).isTrue();
            // then the final GOAWAY names the last stream processed, and the connection closes
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("goaway 1 0");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("eof");
        } finally {
            client.destroyForcibly();
        }
    }

    /** Opens 50 streams on a connection with a zero flow-control window and hangs up 200 ms later. */
    private static final String HANG_UP = """
            import socket, sys, time, h2.connection, h2.config, h2.settings
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            c = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
            c.initiate_connection()
            c.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0})
            for i in range(50):
                c.send_headers(1 + 2 * i, [(":method", "GET"), (":scheme", "http"), (":authority", "x"), (":path", "/")], end_stream=True)
            s.sendall(c.data_to_send())
            time.sleep(0.2)
            s.close()
            """;

    @Test
    void a_request_ends_when_its_connection_closes_even_where_undertow_never_completes_its_exchange() throws Exception {
        assumePythonH2();
        // a blocking handler, as servlets write: with no window the response waits, then the client is gone
        int port = start(new BlockingHandler(exchange -> exchange.getOutputStream().write("answer".getBytes(StandardCharsets.UTF_8))));
        for (int round = 0; round < 10; round++) {
            Process client = new ProcessBuilder("/usr/bin/python3", "-c", HANG_UP, Integer.toString(port)).redirectErrorStream(true).start();
            assertThat(client.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.running() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.running()).as("requests counted as running after their clients left").isZero();
    }

    private static void assumePythonH2() throws Exception {
        Process check = new ProcessBuilder("/usr/bin/python3", "-c", "import h2").redirectErrorStream(true).start();
        boolean ok = check.waitFor(20, TimeUnit.SECONDS) && check.exitValue() == 0;
        Assumptions.assumeTrue(ok, "/usr/bin/python3 with the h2 module is needed (Debian: python3-h2)");
    }

    private static LinkedBlockingQueue<String> lines(Process process) {
        var lines = new LinkedBlockingQueue<String>();
        Thread reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add(e.toString());
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static void send(Socket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String exchange(Socket socket, String path) throws IOException {
        send(socket, path);
        return read(socket);
    }

    /** One response: its head, a blank line and its body (by Content-Length), read byte by byte. */
    private static String read(Socket socket) throws IOException {
        socket.setSoTimeout(20_000);
        var in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside the response head: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.UTF_8);
    }
}
