package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.container.Container;
import dev.container.StartupError;
import dev.container.config.CertSpec;
import dev.container.config.ConfigFile;
import dev.container.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of certificate files, more than {@link CertificateStore#EAGER_KEYS}: the keys are read
 * on first use, each name still gets its own certificate from a real server (Java's client and
 * openssl's), a wildcard covers its subdomains, and a bad key file is named on the handshake
 * that needs it while the other names go on being served.
 */
class ManyCertificatesTest {
    private static final int NAMES = 300;

    @TempDir
    static Path dir;

    private static final List<TestCerts.Files2> certs = new ArrayList<>();
    private static TestCerts.Files2 wildcard;

    @BeforeAll
    static void write() throws Exception {
        for (int i = 0; i < NAMES; i++) {
            certs.add(TestCerts.write(dir, "h" + i, i % 10 == 3 ? "RSA" : "EC", "h" + i + ".test"));
        }
        wildcard = TestCerts.write(dir, "wild", "EC", "*.wild.test");
    }

    private static List<CertSpec> specs() {
        List<CertSpec> specs = new ArrayList<>();
        certs.forEach(c -> specs.add(new CertSpec(c.cert(), c.key())));
        specs.add(new CertSpec(wildcard.cert(), wildcard.key()));
        return specs;
    }

    @Test
    void reads_no_key_at_start_and_each_key_once_on_first_use() {
        CertificateStore store = new CertificateStore(specs());
        SniKeyManager keys = new SniKeyManager(store);
        assertThat(store.keys().reads()).isZero();

        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < NAMES; i += 7) {
                String type = i % 10 == 3 ? "RSA" : "EC";
                String alias = keys.choose("h" + i + ".test", type);
                assertThat(keys.getCertificateChain(alias)[0]).isEqualTo(certs.get(i).certificate());
                assertThat(keys.getPrivateKey(alias).getAlgorithm()).isEqualTo(type);
            }
        }
        assertThat(store.keys().reads()).isEqualTo((NAMES + 6) / 7);
        assertThat(keys.choose("h3.test", "EC")).as("h3 has only an RSA certificate").isNull();
    }

    @Test
    void a_key_of_another_certificate_is_named_at_first_use_and_fails_only_its_names() throws Exception {
        List<CertSpec> specs = specs();
        specs.set(5, new CertSpec(certs.get(5).cert(), certs.get(6).key()));
        CertificateStore store = new CertificateStore(specs);
        SniKeyManager keys = new SniKeyManager(store);
        try (LogCapture log = LogCapture.start()) {
            assertThat(keys.getPrivateKey(keys.choose("h5.test", "EC"))).isNull();
            assertThat(keys.getPrivateKey(keys.choose("h5.test", "EC"))).isNull();
            assertThat(keys.getPrivateKey(keys.choose("h6.test", "EC"))).isNotNull();

            assertThat(log.errors()).containsExactly("TLS: " + certs.get(6).key()
                    + ": this key does not belong to the certificate in " + certs.get(5).cert()
                    + "; handshakes for [h5.test] fail until the files are fixed");
        }
    }

    @Test
    void a_certificate_file_that_does_not_read_stops_the_start_naming_it() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.crt"), "not a certificate\n");
        List<CertSpec> specs = specs();
        specs.set(200, new CertSpec(broken, certs.get(200).key()));
        assertThatThrownBy(() -> new CertificateStore(specs)).isInstanceOf(StartupError.class)
                .hasMessage(broken + ": no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)");

        Path truncated = dir.resolve("truncated.crt");
        String pem = Files.readString(certs.get(201).cert());
        Files.writeString(truncated, pem.substring(0, pem.length() / 2) + "\n-----END CERTIFICATE-----\n");
        specs.set(200, new CertSpec(truncated, certs.get(201).key()));
        assertThatThrownBy(() -> new CertificateStore(specs)).isInstanceOf(StartupError.class)
                .hasMessageStartingWith(truncated + ": ");
    }

    @Test
    void a_real_server_serves_every_name_its_own_certificate() throws Exception {
        StringBuilder conf = new StringBuilder("""
                listeners = [{ host = "127.0.0.1", port = 0, tls = true }]
                state-dir = state
                static = [{ dir = site }]
                certificates = [
                """);
        for (int i = 0; i < NAMES; i++) {
            // h7's key is h8's: the server starts, and says so on h7's first handshake
            conf.append("  { cert = h").append(i).append(".crt, key = h").append(i == 7 ? 8 : i).append(".key }\n");
        }
        conf.append("  { cert = wild.crt, key = wild.key }\n]\n");
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "hello");
        Path file = Files.writeString(dir.resolve("many.conf"), conf);
        X509Certificate[] all = certs.stream().map(TestCerts.Files2::certificate).toArray(X509Certificate[]::new);
        X509Certificate[] trusted = all;

        try (LogCapture log = LogCapture.start(); Container container = Container.start(ConfigFile.load(file))) {
            int port = container.urls().get(0).getPort();
            for (int i = 0; i < NAMES; i++) {
                if (i != 7) {
                    assertThat(served(trusted, port, "h" + i + ".test")).as("h" + i).isEqualTo(certs.get(i).certificate());
                }
            }
            assertThat(subject(port, "h299.test")).isEqualTo("CN=h299.test");
            assertThat(subject(port, "x.wild.test")).isEqualTo("CN=*.wild.test");
            assertThat(subject(port, null)).isEqualTo("CN=h0.test");
            assertThatThrownBy(() -> served(trusted, port, "h7.test")).isInstanceOf(javax.net.ssl.SSLException.class);

            assertThat(log.errors()).anyMatch(e -> e.contains(dir.resolve("h8.key")
                    + ": this key does not belong to the certificate in " + dir.resolve("h7.crt")));
        }
    }

    /** A full handshake (a new client context: a resumed session would keep its certificate); the certificate sent. */
    private static X509Certificate served(X509Certificate[] trusted, int port, String sni) throws Exception {
        SSLContext client = TestCerts.trusting(trusted);
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            var parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(sni)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static String subject(int port, String servername) throws Exception {
        String[] command = servername == null
                ? new String[] {"openssl", "s_client", "-connect", "127.0.0.1:" + port, "-noservername"}
                : new String[] {"openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", servername};
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().filter(l -> l.startsWith("subject=")).findFirst().orElseThrow(() -> new AssertionError(out))
                .substring("subject=".length()).replace(" ", "");
    }
}
