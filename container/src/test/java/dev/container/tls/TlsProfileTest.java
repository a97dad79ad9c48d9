package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.container.config.ConfigError;
import dev.container.config.PlanBuilder;
import dev.container.config.TlsProfile;
import dev.container.testing.TestServer;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tls-profile and --tls-profile: "intermediate" (the default) speaks TLS 1.2 and 1.3, "modern" TLS
 * 1.3 only, with either provider, as openssl's client and the JDK's see it.
 */
class TlsProfileTest {
    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestCerts.Files2 serve(String provider, String profile) throws Exception {
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost");
        Files.writeString(dir.resolve("index.html"), "hello");
        server = TestServer.startWith(dir.resolve("state"), p -> {
            p.https("127.0.0.1:0").cert(cert.cert(), cert.key()).staticDir(dir.toString(), false).tlsProvider(provider);
            if (profile != null) {
                p.tlsProfile(profile);
            }
        });
        return cert;
    }

    private String sClient(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
                "-servername", "localhost", "-ign_eof"));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write("GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("openssl s_client finished").isTrue();
        return said;
    }

    @ParameterizedTest
    @ValueSource(strings = {"conscrypt", "jdk"})
    void modern_refuses_tls_1_2_and_serves_and_resumes_tls_1_3(String provider) throws Exception {
        var cert = serve(provider, "modern");

        String tls12 = sClient("-tls1_2");
        Path session = dir.resolve("session.pem");
        String tls13 = sClient("-tls1_3", "-sess_out", session.toString());
        HttpResponse<String> java = HttpClient.newBuilder().sslContext(TestCerts.trusting(cert.certificate())).build()
                .send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/index.html")).build(),
                        HttpResponse.BodyHandlers.ofString());

        String resumed = sClient("-tls1_3", "-sess_in", session.toString());

        assertThat(tls12).doesNotContain("hello").doesNotContain("BEGIN CERTIFICATE").containsIgnoringCase("alert");
        assertThat(tls13).contains("New, TLSv1.3").contains("hello");
        assertThat(resumed).as("TLS 1.3 resumes by ticket").contains("Reused, TLSv1.3").contains("hello");
        assertThat(java.body()).isEqualTo("hello");
        assertThat(server.container().plan().tlsProfile()).isEqualTo(TlsProfile.MODERN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"conscrypt", "jdk"})
    void intermediate_is_the_default_and_serves_tls_1_2_and_1_3(String provider) throws Exception {
        serve(provider, null);

        assertThat(sClient("-tls1_2")).contains("New, TLSv1.2").contains("hello");
        assertThat(sClient("-tls1_3")).contains("New, TLSv1.3").contains("hello");
        assertThat(sClient("-tls1_1")).doesNotContain("hello");
        assertThat(server.container().plan().tlsProfile()).isEqualTo(TlsProfile.INTERMEDIATE);
    }

    @Test
    void the_config_file_key_chooses_the_profile_and_the_flag_wins() throws Exception {
        Path conf = Files.writeString(dir.resolve("c.conf"), "tls-profile = modern\n");

        assertThat(new PlanBuilder().configFile(conf).build().tlsProfile()).isEqualTo(TlsProfile.MODERN);
        assertThat(new PlanBuilder().configFile(conf).tlsProfile("intermediate").build().tlsProfile())
                .isEqualTo(TlsProfile.INTERMEDIATE);
        assertThat(new PlanBuilder().build().tlsProfile()).isEqualTo(TlsProfile.INTERMEDIATE);
    }

    @Test
    void an_unknown_profile_on_the_command_line_is_named() {
        assertThatThrownBy(() -> new PlanBuilder().tlsProfile("old").build())
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("--tls-profile old: expected one of intermediate, modern");
    }
}
