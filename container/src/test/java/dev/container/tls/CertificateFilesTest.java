package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.container.StartupError;
import dev.container.cli.ContainerCommand;
import dev.container.config.CertSpec;
import dev.container.config.ConfigError;
import dev.container.config.ConfigFile;
import dev.container.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate files as users bring them: PKCS#12 and encrypted PEM keys written by openssl, and
 * what {@code container validate} says about files that read but cannot serve (expired, a host
 * name no certificate covers, a wrong password).
 */
class CertificateFilesTest {
    @TempDir
    Path dir;

    private Path pkcs12(String password) throws Exception {
        var pem = TestCerts.write(dir, "p12src", "EC", "localhost", "p12.test");
        Path p12 = dir.resolve("site.p12");
        run("openssl", "pkcs12", "-export", "-in", pem.cert().toString(), "-inkey", pem.key().toString(),
                "-out", p12.toString(), "-passout", "pass:" + password);
        return p12;
    }

    @Test
    void serves_https_from_a_pkcs12_file_written_by_openssl() throws Exception {
        Path p12 = pkcs12("s3cret");
        Files.writeString(dir.resolve("index.html"), "from p12");
        try (var server = TestServer.startWith(dir.resolve("state"), p -> p.https("127.0.0.1:0")
                .cert(p12, null, Optional.of("s3cret")).staticDir(dir.toString(), false))) {
            var leaf = KeyedCertificate.read(CertSpec.pkcs12(p12, Optional.of("s3cret"))).leaf();
            HttpClient client = HttpClient.newBuilder().sslContext(TestCerts.trusting(leaf)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/index.html")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.body()).isEqualTo("from p12");
        }
    }

    @Test
    void a_wrong_pkcs12_password_names_the_file() throws Exception {
        Path p12 = pkcs12("right");
        assertThatThrownBy(() -> KeyedCertificate.read(CertSpec.pkcs12(p12, Optional.of("wrong"))))
                .isInstanceOf(StartupError.class)
                .hasMessage(p12 + ": wrong password for this PKCS#12 file");
        assertThatThrownBy(() -> KeyedCertificate.read(CertSpec.pkcs12(p12, Optional.empty())))
                .hasMessage(p12 + ": wrong password for this PKCS#12 file");
    }

    @Test
    void reads_an_encrypted_pem_key_with_its_password_and_says_when_it_is_missing_or_wrong() throws Exception {
        var pem = TestCerts.write(dir, "enc", "RSA", "enc.test");
        Path encrypted = dir.resolve("enc-encrypted.key");
        run("openssl", "pkey", "-in", pem.key().toString(), "-aes256", "-passout", "pass:open", "-out", encrypted.toString());
        assertThat(Files.readString(encrypted)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

        var read = KeyedCertificate.read(new CertSpec(pem.cert(), encrypted, Optional.of("open")));
        assertThat(read.names()).containsExactly("enc.test");
        assertThatThrownBy(() -> KeyedCertificate.read(new CertSpec(pem.cert(), encrypted)))
                .hasMessageStartingWith(encrypted + ": the key is encrypted: give its password");
        assertThatThrownBy(() -> KeyedCertificate.read(new CertSpec(pem.cert(), encrypted, Optional.of("shut"))))
                .hasMessageStartingWith(encrypted + ": wrong password for the encrypted key");
    }

    @Test
    void a_pkcs12_file_given_with_a_key_is_refused_by_name() throws Exception {
        Path p12 = pkcs12("x");
        var pem = TestCerts.write(dir, "other", "EC", "localhost");
        assertThatThrownBy(() -> KeyedCertificate.read(p12, pem.key()))
                .hasMessage(p12 + ": this is a PKCS#12 file, not PEM: give it alone, without a key file");
    }

    @Test
    void the_config_file_takes_a_pkcs12_file_with_its_password_and_refuses_one_with_a_key() throws Exception {
        Path p12 = pkcs12("pw");
        Files.createDirectories(dir.resolve("site"));
        Path ok = Files.writeString(dir.resolve("ok.conf"), """
                listeners = [{ host = "127.0.0.1", port = 0, tls = true }]
                certificates = [{ cert = site.p12, password = "pw" }]
                static = [site]
                """);
        assertThat(ConfigFile.load(ok).certs()).containsExactly(CertSpec.pkcs12(p12, Optional.of("pw")));

        var pem = TestCerts.write(dir, "pem", "EC", "localhost");
        Path bad = Files.writeString(dir.resolve("bad.conf"), """
                listeners = [{ host = "127.0.0.1", port = 0, tls = true }]
                certificates = [
                  { cert = site.p12, key = pem.key }
                  { cert = pem.crt }
                ]
                static = [site]
                """);
        assertThatThrownBy(() -> ConfigFile.load(bad)).isInstanceOf(ConfigError.class)
                .satisfies(e -> assertThat(((ConfigError) e).problems()).containsExactly(
                        bad + ":3: certificates[0].key: site.p12 is a PKCS#12 file, which holds its own key: leave key out",
                        bad + ":4: certificates[1]: a PEM certificate needs key = FILE (only a PKCS#12 file holds its own key)"));
    }

    @Test
    void validate_reports_an_expired_certificate_and_a_host_name_no_certificate_covers() throws Exception {
        Instant now = Instant.now();
        TestCerts.write(dir, "old", "EC", now.minus(Duration.ofDays(90)), now.minus(Duration.ofDays(1)), "a.test");
        TestCerts.write(dir, "b", "EC", "b.test");
        Files.createDirectories(dir.resolve("site"));
        Path conf = Files.writeString(dir.resolve("tls.conf"), """
                listeners = [{ host = "127.0.0.1", port = 0, tls = true }]
                certificates = [{ cert = old.crt, key = old.key }, { cert = b.crt, key = b.key }]
                hosts {
                  a { names = [a.test], default = true }
                  c { names = [c.test, "127.0.0.1"] }
                }
                static = [{ dir = site, hosts = [a, c] }]
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = ContainerCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("validate", conf.toString());

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains(conf + ": certificates: " + dir.resolve("old.crt")
                + ": the certificate for a.test expired on ");
        assertThat(err.toString()).contains(conf + ": certificates: host c: no certificate covers c.test "
                + "(the certificates cover a.test, b.test)");
        assertThat(err.toString()).doesNotContain("127.0.0.1").endsWith("2 problems\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void validate_reports_a_wrong_password_and_passes_good_certificates() throws Exception {
        pkcs12("pw");
        Files.createDirectories(dir.resolve("site"));
        Path wrong = Files.writeString(dir.resolve("wrong.conf"), """
                listeners = [{ host = "127.0.0.1", port = 0, tls = true }]
                certificates = [{ cert = site.p12, password = "nope" }]
                static = [site]
                """);
        Path right = Files.writeString(dir.resolve("right.conf"), """
                listeners = [{ host = "127.0.0.1", port = 0, tls = true }]
                certificates = [{ cert = site.p12, password = "pw" }]
                hosts { main { names = [p12.test, localhost], default = true } }
                static = [site]
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = ContainerCommand.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));

        assertThat(cli.execute("validate", wrong.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(wrong + ": certificates: " + dir.resolve("site.p12")
                + ": wrong password for this PKCS#12 file");
        assertThat(cli.execute("validate", right.toString())).isZero();
        assertThat(out.toString()).contains(right + ": ok: 1 host, 0 apps, 1 static mount, 1 listener, 1 certificate");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
