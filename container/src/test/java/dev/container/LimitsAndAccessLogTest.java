package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.PlanBuilder;
import dev.container.testing.RawHttp;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits and logging sections of a config file, applied by a running server. */
class LimitsAndAccessLogTest {
    @TempDir
    Path dir;

    private Container start(String config) throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "<h1>hello</h1>\n");
        Path conf = Files.writeString(dir.resolve("container.conf"), "static = [site]\n" + config);
        return Container.start(new PlanBuilder().configFile(conf).listen("127.0.0.1:0")
                .stateDir(dir.resolve("state")).shutdownTimeout(Duration.ofSeconds(1)).build());
    }

    @Test
    void request_headers_above_max_header_size_are_refused() throws Exception {
        try (Container container = start("limits { max-header-size = 2KiB }\n")) {
            int port = container.urls().get(0).getPort();
            String small = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: " + "x".repeat(500) + "\r\nConnection: close\r\n\r\n";
            String large = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: " + "x".repeat(4000) + "\r\nConnection: close\r\n\r\n";
            assertThat(RawHttp.send(port, small).status()).isEqualTo(200);
            assertThat(RawHttp.send(port, large).status()).isNotEqualTo(200);
        }
    }

    @Test
    void idle_kept_alive_connection_is_closed_after_idle_timeout() throws Exception {
        try (Container container = start("limits { idle-timeout = 300ms }\n");
             Socket socket = new Socket("127.0.0.1", container.urls().get(0).getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            long began = System.nanoTime();
            byte[] buffer = new byte[8192];
            int total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) { // the response, then end of stream when the server closes
                total += n;
            }
            assertThat(total).isPositive();
            assertThat(n).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void a_connection_that_sends_nothing_is_closed_after_idle_timeout() throws Exception {
        try (Container container = start("limits { idle-timeout = 300ms }\n");
             Socket socket = new Socket("127.0.0.1", container.urls().get(0).getPort())) {
            socket.setSoTimeout(5_000);
            long began = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void a_kept_alive_connection_used_within_the_idle_timeout_stays_open_past_it() throws Exception {
        try (Container container = start("limits { idle-timeout = 2s }\n");
             Socket socket = new Socket("127.0.0.1", container.urls().get(0).getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] request = "GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            // 6 requests 600 ms apart: 3.6 s in all, past the timeout, while each pause is far inside it
            // (the pause is what the test is about, not a wait for something to happen)
            for (int i = 0; i < 6; i++) {
                out.write(request);
                out.flush();
                String response = readResponse(in);
                assertThat(response).startsWith("HTTP/1.1 200").endsWith("<h1>hello</h1>\n");
                Thread.sleep(600);
            }
        }
    }

    /** One response with a Content-Length body, as text. */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder text = new StringBuilder();
        int length = -1;
        while (true) {
            int b = in.read();
            assertThat(b).as("response so far: %s", text).isNotEqualTo(-1);
            text.append((char) b);
            if (text.length() >= 4 && text.substring(text.length() - 4).equals("\r\n\r\n")) {
                for (String line : text.toString().split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                break;
            }
        }
        text.append(new String(in.readNBytes(length), StandardCharsets.ISO_8859_1));
        return text.toString();
    }

    @Test
    void access_log_gets_one_line_per_request_in_the_configured_format() throws Exception {
        Path log = dir.resolve("logs/access.log");
        try (Container container = start("logging.access-log { enabled = true, file = logs/access.log, format = common }\n")) {
            int port = container.urls().get(0).getPort();
            assertThat(RawHttp.get(port, "a", "/index.html").status()).isEqualTo(200);
            assertThat(RawHttp.get(port, "a", "/nope").status()).isEqualTo(404);
        }
        // one line per request, written as each completes: a response sent from a worker thread
        // may complete after the next request's, so the order is not asserted
        assertThat(Files.readAllLines(log)).satisfiesExactlyInAnyOrder(
                line -> assertThat(line).startsWith("127.0.0.1 - - [").contains("\"GET /index.html HTTP/1.1\" 200 15"),
                line -> assertThat(line).contains("\"GET /nope HTTP/1.1\" 404"));
    }
}
