package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.ConfigFile;
import dev.container.testing.RawHttp;
import dev.container.testing.TestServer;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --h2c} / {@code h2c = true}: HTTP/2 in cleartext on a plain listener, by prior knowledge
 * only (Upgrade: h2c, deprecated by RFC 9113 section 3.1, is declined: the request is answered over
 * HTTP/1.1), beside HTTP/1.1 on the same port.
 */
class H2cTest {
    @TempDir
    Path dir;

    private TestServer server(boolean h2c) throws Exception {
        Files.writeString(dir.resolve("index.html"), "cleartext");
        return TestServer.start(dir.resolve("state"), p -> p.h2c(h2c).staticDir(dir.toString(), false));
    }

    @Test
    void curl_gets_http2_by_prior_knowledge_and_http1_when_it_asks_to_upgrade() throws Exception {
        try (var server = server(true)) {
            String url = server.uri("/index.html").toString();
            assertThat(curl("--http2-prior-knowledge", url)).isEqualTo("2 200 cleartext");
            assertThat(curl("--http2", url)).isEqualTo("1.1 200 cleartext");
            assertThat(curl("--http1.1", url)).isEqualTo("1.1 200 cleartext");
        }
    }

    @Test
    void java_net_http_asking_for_http2_is_answered_over_http1() throws Exception {
        try (var server = server(true)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/index.html")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(response.body()).isEqualTo("cleartext");
        }
    }

    @Test
    void http1_requests_whose_method_starts_like_the_preface_are_http1() throws Exception {
        try (var server = server(true)) {
            for (String method : List.of("POST", "PUT", "PATCH", "PRI")) {
                RawHttp response = RawHttp.send(server.port(), method + " /index.html HTTP/1.1\r\nHost: a\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n");
                assertThat(response.status()).as(method).isBetween(400, 499);
            }
        }
    }

    @Test
    void the_preface_after_an_http1_request_does_not_switch_the_connection() throws Exception {
        try (var server = server(true)) {
            RawHttp response = RawHttp.send(server.port(), "GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            // an HTTP/1.1 answer (Undertow's parser refuses the pipelined PRI line with 400), no SETTINGS frame
            assertThat(response.status()).isBetween(200, 499);
            assertThat(response.body()).doesNotContain("\0\0");
        }
    }

    @Test
    void a_client_that_stops_inside_the_preface_is_closed_after_the_idle_timeout() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Path conf = Files.writeString(dir.resolve("c.conf"), "static = [site]\nlimits { idle-timeout = 500ms }\n");
        try (var server = TestServer.start(dir.resolve("state"), p -> p.configFile(conf).h2c(true));
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("PRI * HTTP".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void without_h2c_a_plain_listener_stays_on_http1() throws Exception {
        try (var server = server(false)) {
            assertThat(curl("--http2", server.uri("/index.html").toString())).isEqualTo("1.1 200 cleartext");
        }
    }

    @Test
    void the_config_file_sets_h2c_per_listener_and_refuses_it_on_tls() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Path ok = Files.writeString(dir.resolve("ok.conf"), """
                listeners = [{ host = "127.0.0.1", port = 0, h2c = true }, "127.0.0.1:0"]
                static = [site]
                """);
        var listeners = ConfigFile.load(ok).listeners();
        assertThat(listeners).extracting(l -> l.h2c()).containsExactly(true, false);

        Path bad = Files.writeString(dir.resolve("bad.conf"), """
                listeners = [{ host = "127.0.0.1", port = 8443, tls = true, h2c = true }]
                certificates = [{ cert = a.crt, key = a.key }]
                static = [site]
                """);
        Files.writeString(dir.resolve("a.crt"), "");
        Files.writeString(dir.resolve("a.key"), "");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigFile.load(bad))
                .hasMessageContaining(bad + ":1: listeners[0].h2c: h2c is for plain listeners: a tls = true listener "
                        + "speaks h2 by ALPN");
    }

    private static String curl(String version, String url) throws Exception {
        Process p = new ProcessBuilder("curl", "-sS", version, "-w", " %{http_version} %{http_code}", url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        // body first, then the write-out: reorder to "VERSION CODE BODY"
        int at = out.lastIndexOf(' ', out.lastIndexOf(' ') - 1);
        return out.substring(at + 1) + " " + out.substring(0, at);
    }
}
