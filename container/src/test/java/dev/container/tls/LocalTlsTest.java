package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.config.CertSpec;
import dev.container.config.ListenerSpec;
import dev.container.config.PlanBuilder;
import dev.container.testing.Samples;
import dev.container.testing.TestServer;
import dev.container.testing.WebSocketClient;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --dev} HTTPS: a local CA made once in the state directory, a localhost certificate from
 * it, and clients that trust the CA (the one step a user takes) getting h2 without warnings.
 */
class LocalTlsTest {
    @TempDir
    Path dir;

    private TestServer devServer() throws Exception {
        Files.writeString(dir.resolve("index.html"), "local https");
        return TestServer.startWith(dir.resolve("state"), p -> p.dev(true).listen("127.0.0.1:0").https("127.0.0.1:0")
                .staticDir(dir.toString(), false).war(Samples.servletWar() + ":/servlet"));
    }

    private Path caFile() {
        return dir.resolve("state/tls/local/ca.crt");
    }

    private X509Certificate ca() throws Exception {
        try (InputStream in = Files.newInputStream(caFile())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static int httpsPort(TestServer server) {
        return server.container().urls().stream().filter(u -> u.getScheme().equals("https")).findFirst().orElseThrow()
                .getPort();
    }

    @Test
    void dev_without_listeners_serves_https_on_localhost_8443_beside_plain_8080() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        var plan = new PlanBuilder().dev(true).staticDir(dir.resolve("site").toString(), false).build();
        assertThat(plan.listeners()).containsExactly(new ListenerSpec(PlanBuilder.ANY_HOST, 8080),
                new ListenerSpec("localhost", 8443, true));
        var production = new PlanBuilder().staticDir(dir.resolve("site").toString(), false).build();
        assertThat(production.listeners()).containsExactly(new ListenerSpec(PlanBuilder.ANY_HOST, 8080));
    }

    @Test
    void clients_that_trust_the_local_ca_get_h2_from_curl_openssl_and_java() throws Exception {
        try (var server = devServer()) {
            int port = httpsPort(server);
            assertThat(caFile()).exists();

            HttpClient java = HttpClient.newBuilder().sslContext(TestCerts.trusting(ca())).build();
            HttpResponse<String> response = java.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port + "/index.html")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.body()).isEqualTo("local https");

            String curl = run("curl", "-sS", "--http2", "--cacert", caFile().toString(), "--resolve",
                    "localhost:" + port + ":127.0.0.1", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                    "https://localhost:" + port + "/index.html");
            assertThat(curl).isEqualTo("2 200");

            String openssl = run("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost",
                    "-CAfile", caFile().toString(), "-verify_return_error", "-verify_hostname", "localhost",
                    "-alpn", "h2");
            assertThat(openssl).contains("Verify return code: 0 (ok)").contains("ALPN protocol: h2");
        }
    }

    @Test
    void a_host_with_tls_local_in_the_config_file_gets_a_local_certificate_for_its_names() throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "app host");
        Path conf = Files.writeString(dir.resolve("local.conf"), """
                listeners = [{ host = "127.0.0.1", port = 0, tls = true }]
                hosts { app { names = [app.localhost], default = true, tls = local } }
                static = [site]
                state-dir = state
                """);
        try (var container = dev.container.Container.start(dev.container.config.ConfigFile.load(conf))) {
            int port = container.urls().get(0).getPort();
            String curl = run("curl", "-sS", "--http2", "--cacert", caFile().toString(), "--resolve",
                    "app.localhost:" + port + ":127.0.0.1", "-w", " %{http_version} %{http_code}",
                    "https://app.localhost:" + port + "/index.html");
            assertThat(curl).isEqualTo("app host 2 200");
        }
        Path plain = Files.writeString(dir.resolve("plain.conf"), """
                hosts { app { names = [app.localhost], default = true, tls = local } }
                static = [site]
                """);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.container.config.ConfigFile.load(plain))
                .hasMessageContaining(plain + ":1: hosts.app.tls: tls = local needs a listener with tls = true");
    }

    @Test
    void wss_works_through_the_local_certificate() throws Exception {
        try (var server = devServer()) {
            HttpClient client = HttpClient.newBuilder().sslContext(TestCerts.trusting(ca())).build();
            String reply = WebSocketClient.roundTrip(client,
                    URI.create("wss://localhost:" + httpsPort(server) + "/servlet/ws/echo"), "over tls");
            assertThat(reply).contains("over tls");
        }
    }

    @Test
    void the_ca_is_made_once_and_its_certificate_kept_until_the_names_change() throws Exception {
        LocalCa ca = LocalCa.in(dir);
        assertThat(ca.exists()).isFalse();
        CertSpec first = ca.certificateFor(List.of());
        String caPem = Files.readString(ca.caFile());
        String leafPem = Files.readString(first.cert());

        CertSpec again = LocalCa.in(dir).certificateFor(List.of());
        assertThat(Files.readString(ca.caFile())).isEqualTo(caPem);
        assertThat(Files.readString(again.cert())).isEqualTo(leafPem);

        CertSpec wider = LocalCa.in(dir).certificateFor(List.of("app.localhost"));
        assertThat(Files.readString(ca.caFile())).isEqualTo(caPem);
        assertThat(Files.readString(wider.cert())).isNotEqualTo(leafPem);
        KeyedCertificate leaf = KeyedCertificate.read(wider);
        assertThat(leaf.names()).containsExactlyInAnyOrder("localhost", "app.localhost");
        leaf.leaf().verify(KeyedCertificate.read(ca.caFile(), dir.resolve("tls/local/ca.key")).leaf().getPublicKey());
        assertThat(leaf.leaf().getSubjectAlternativeNames()).extracting(n -> n.get(1).toString())
                .contains("127.0.0.1", "0:0:0:0:0:0:0:1");
    }

    @Test
    void private_keys_are_readable_by_the_owner_only_and_the_instructions_name_the_ca_file() throws Exception {
        LocalCa ca = LocalCa.in(dir);
        CertSpec spec = ca.certificateFor(List.of());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls/local/ca.key"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(spec.key()))).isEqualTo("rw-------");
        assertThat(ca.trustInstructions()).contains("update-ca-certificates")
                .contains("curl --cacert " + ca.caFile().toAbsolutePath());
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
