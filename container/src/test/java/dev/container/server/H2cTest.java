package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.ConfigFile;
import dev.container.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --h2c} / {@code h2c = true}: HTTP/2 in cleartext on a plain listener, by prior knowledge and by Upgrade. */
class H2cTest {
    @TempDir
    Path dir;

    private TestServer server(boolean h2c) throws Exception {
        Files.writeString(dir.resolve("index.html"), "cleartext");
        return TestServer.start(dir.resolve("state"), p -> p.h2c(h2c).staticDir(dir.toString(), false));
    }

    @Test
    void curl_gets_http2_by_prior_knowledge_and_by_upgrade() throws Exception {
        try (var server = server(true)) {
            String url = server.uri("/index.html").toString();
            assertThat(curl("--http2-prior-knowledge", url)).isEqualTo("2 200 cleartext");
            assertThat(curl("--http2", url)).isEqualTo("2 200 cleartext");
            assertThat(curl("--http1.1", url)).isEqualTo("1.1 200 cleartext");
        }
    }

    @Test
    void java_net_http_upgrades_to_http2() throws Exception {
        try (var server = server(true)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            // the first request upgrades the connection; the answer to it already comes over HTTP/2
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/index.html")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.body()).isEqualTo("cleartext");
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
