package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.TlsProvider;
import dev.container.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nghttp2's h2load, a client that is neither Java nor curl, against the Conscrypt listener: ten
 * connections with ten streams each in flight, every request answered. Counts only, no timing.
 */
class H2loadTest {
    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void h2load_gets_a_thousand_answers_over_h2_with_no_errors() throws Exception {
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost");
        Files.writeString(dir.resolve("index.html"), "hello");
        server = TestServer.startWith(dir.resolve("state"), p -> p.https("127.0.0.1:0").cert(cert.cert(), cert.key())
                .staticDir(dir.toString(), false).tlsProvider("conscrypt"));
        assertThat(server.container().tlsProvider()).contains(TlsProvider.CONSCRYPT);

        Process h2load = new ProcessBuilder("h2load", "-n", "1000", "-c", "10", "-m", "10",
                "https://localhost:" + server.port() + "/index.html").redirectErrorStream(true).start();
        String said = new String(h2load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(h2load.waitFor(120, TimeUnit.SECONDS)).as("h2load finished").isTrue();

        assertThat(h2load.exitValue()).as(said).isZero();
        assertThat(said).contains("Application protocol: h2")
                .contains("requests: 1000 total, 1000 started, 1000 done, 1000 succeeded, 0 failed, 0 errored, 0 timeout")
                .contains("status codes: 1000 2xx, 0 3xx, 0 4xx, 0 5xx");
    }
}
