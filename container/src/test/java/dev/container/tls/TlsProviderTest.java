package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.container.StartupError;
import dev.container.config.ConfigError;
import dev.container.config.PlanBuilder;
import dev.container.config.TlsProvider;
import dev.container.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --tls-provider and tls-provider: Conscrypt by default, the JDK's when asked, both serving h2 to real clients. */
class TlsProviderTest {
    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestServer serve(TestCerts.Files2 cert, String provider) throws Exception {
        Files.writeString(dir.resolve("index.html"), "hello");
        return TestServer.startWith(dir.resolve("state"), p -> {
            p.https("127.0.0.1:0").cert(cert.cert(), cert.key()).staticDir(dir.toString(), false);
            if (provider != null) {
                p.tlsProvider(provider);
            }
        });
    }

    private HttpResponse<String> get(TestCerts.Files2 cert) throws Exception {
        return HttpClient.newBuilder().sslContext(TestCerts.trusting(cert.certificate())).build()
                .send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/index.html")).build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private String curl(TestCerts.Files2 cert) throws Exception {
        Process curl = new ProcessBuilder("curl", "-sS", "--http2", "--cacert", cert.cert().toString(),
                "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                "https://localhost:" + server.port() + "/index.html")
                .redirectErrorStream(true).start();
        String said = new String(curl.getInputStream().readAllBytes());
        assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return said;
    }

    @Test
    void the_jdk_provider_serves_h2_to_java_net_http_and_curl() throws Exception {
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost");
        server = serve(cert, "jdk");

        HttpResponse<String> response = get(cert);

        assertThat(server.container().tlsProvider()).contains(TlsProvider.JDK);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).isEqualTo("hello");
        assertThat(curl(cert)).isEqualTo("2 200");
    }

    @Test
    void the_jdk_provider_serves_rsa_certificates_over_http1_too() throws Exception {
        var cert = TestCerts.write(dir, "localhost", "RSA", "localhost");
        server = serve(cert, "jdk");

        HttpResponse<String> response = HttpClient.newBuilder().sslContext(TestCerts.trusting(cert.certificate()))
                .version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/index.html")).build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(response.body()).isEqualTo("hello");
    }

    @Test
    void conscrypt_when_forced_serves_h2() throws Exception {
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost");
        server = serve(cert, "conscrypt");

        HttpResponse<String> response = get(cert);

        assertThat(server.container().tlsProvider()).contains(TlsProvider.CONSCRYPT);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(curl(cert)).isEqualTo("2 200");
    }

    @Test
    void auto_takes_conscrypt_where_it_loads() throws Exception {
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost");
        server = serve(cert, null);

        assertThat(server.container().tlsProvider()).contains(TlsProvider.CONSCRYPT);
        assertThat(get(cert).version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void conscrypt_demanded_where_it_cannot_load_is_a_startup_error_naming_the_way_out() {
        assertThatThrownBy(() -> TlsContext.useConscrypt(TlsProvider.CONSCRYPT, "SunOS/sparcv9: no native library"))
                .isInstanceOf(StartupError.class)
                .hasMessage("tls-provider conscrypt: Conscrypt's native library cannot load (SunOS/sparcv9: no native "
                        + "library); use --tls-provider jdk or auto");
    }

    @Test
    void auto_falls_back_to_the_jdk_where_conscrypt_cannot_load() {
        assertThat(TlsContext.useConscrypt(TlsProvider.AUTO, "SunOS/sparcv9: no native library")).isFalse();
        assertThat(TlsContext.useConscrypt(TlsProvider.AUTO, null)).isTrue();
        assertThat(TlsContext.useConscrypt(TlsProvider.JDK, null)).isFalse();
    }

    @Test
    void an_unknown_provider_on_the_command_line_is_named() {
        assertThatThrownBy(() -> new PlanBuilder().tlsProvider("boringssl").build())
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("--tls-provider boringssl: expected one of auto, conscrypt, jdk");
    }

    @Test
    void the_config_file_key_chooses_the_provider_and_the_flag_wins() throws Exception {
        Path conf = Files.writeString(dir.resolve("c.conf"), "tls-provider = JDK\n");

        assertThat(new PlanBuilder().configFile(conf).build().tlsProvider()).isEqualTo(TlsProvider.JDK);
        assertThat(new PlanBuilder().configFile(conf).tlsProvider("conscrypt").build().tlsProvider())
                .isEqualTo(TlsProvider.CONSCRYPT);
        assertThat(new PlanBuilder().build().tlsProvider()).isEqualTo(TlsProvider.AUTO);
    }
}
