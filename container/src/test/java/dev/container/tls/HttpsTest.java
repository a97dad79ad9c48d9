package dev.container.tls;

import dev.container.StartupError;
import dev.container.config.ConfigError;
import dev.container.testing.TestServer;
import dev.container.testing.WarBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --https with --cert/--key: TLS 1.2/1.3 through Conscrypt, h2 by ALPN, certificates by SNI. */
class HttpsTest {
    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Path app() throws Exception {
        return new WarBuilder()
                .java("tls.Scheme", """
                        package tls;
                        @jakarta.servlet.annotation.WebServlet("/scheme")
                        public class Scheme extends jakarta.servlet.http.HttpServlet {
                            protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                                 jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                                req.getSession(true);
                                resp.getWriter().print(req.getScheme() + " " + req.isSecure() + " " + req.getProtocol());
                            }
                        }
                        """)
                .buildWar(dir.resolve("app.war"));
    }

    private URI https(String path) {
        return URI.create("https://localhost:" + server.port() + path);
    }

    @Test
    void serves_http2_by_alpn_and_http1_to_clients_without_it_with_secure_requests() throws Exception {
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost", "127.0.0.1");
        Path war = app();
        server = TestServer.startWith(dir.resolve("state"), p -> p.https("127.0.0.1:0").cert(cert.cert(), cert.key())
                .war(war + ":/app"));
        SSLContext trust = TestCerts.trusting(cert.certificate());

        HttpResponse<String> h2 = HttpClient.newBuilder().sslContext(trust).build()
                .send(HttpRequest.newBuilder(https("/app/scheme")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> h1 = HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(https("/app/scheme")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(h2.body()).isEqualTo("https true HTTP/2.0");
        assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(h1.body()).isEqualTo("https true HTTP/1.1");
        assertThat(h1.headers().firstValue("set-cookie")).hasValueSatisfying(cookie -> assertThat(cookie)
                .startsWith("JSESSIONID=").contains("; Secure").contains("; HttpOnly"));
        assertThat(server.container().urls()).containsExactly(URI.create("https://127.0.0.1:" + server.port() + "/"));
    }

    @Test
    void curl_gets_http2_and_openssl_cannot_use_tls_1_1() throws Exception {
        var cert = TestCerts.write(dir, "localhost", "RSA", "localhost");
        Path war = app();
        server = TestServer.startWith(dir.resolve("state"), p -> p.https("127.0.0.1:0").cert(cert.cert(), cert.key())
                .war(war + ":/app"));

        Process curl = new ProcessBuilder("curl", "-sS", "--http2", "--cacert", cert.cert().toString(),
                "-o", "/dev/null", "-w", "%{http_version} %{http_code}", https("/app/scheme").toString())
                .redirectErrorStream(true).start();
        assertThat(new String(curl.getInputStream().readAllBytes())).isEqualTo("2 200");
        assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();

        Process old = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(), "-tls1_1")
                .redirectErrorStream(true).start();
        old.getOutputStream().close();
        String said = new String(old.getInputStream().readAllBytes());
        assertThat(old.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(old.exitValue()).as(said).isNotZero();
        assertThat(said).doesNotContain("BEGIN CERTIFICATE");
    }

    @Test
    void chooses_the_certificate_by_sni_exact_then_wildcard_then_the_first() throws Exception {
        var a = TestCerts.write(dir, "a", "EC", "a.test");
        var b = TestCerts.write(dir, "b", "RSA", "b.test");
        var wild = TestCerts.write(dir, "wild", "EC", "*.c.test");
        server = TestServer.startWith(dir.resolve("state"), p -> p.https("127.0.0.1:0")
                .cert(a.cert(), a.key()).cert(b.cert(), b.key()).cert(wild.cert(), wild.key())
                .staticDir(dir.toString(), false));
        X509Certificate[] all = {a.certificate(), b.certificate(), wild.certificate()};

        assertThat(served(all, "a.test")).isEqualTo(a.certificate());
        assertThat(served(all, "b.test")).isEqualTo(b.certificate());
        assertThat(served(all, "x.c.test")).isEqualTo(wild.certificate());
        assertThat(served(all, "unknown.test")).isEqualTo(a.certificate());
        assertThat(served(all, null)).isEqualTo(a.certificate());
    }

    /** A full handshake (a new client context each time: a resumed session would keep its certificate). */
    private X509Certificate served(X509Certificate[] trusted, String sni) throws Exception {
        SSLContext trust = TestCerts.trusting(trusted);
        try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            var parameters = socket.getSSLParameters();
            parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void refuses_a_key_that_does_not_belong_to_the_certificate_naming_both_files() throws Exception {
        var one = TestCerts.write(dir, "one", "EC", "localhost");
        var two = TestCerts.write(dir, "two", "EC", "localhost");

        assertThatThrownBy(() -> KeyedCertificate.read(one.cert(), two.key()))
                .isInstanceOf(StartupError.class)
                .hasMessage(two.key() + ": this key does not belong to the certificate in " + one.cert());
        Files.writeString(dir.resolve("empty.crt"), "nothing here\n");
        assertThatThrownBy(() -> KeyedCertificate.read(dir.resolve("empty.crt"), one.key()))
                .hasMessageStartingWith(dir.resolve("empty.crt") + ": no certificate in it");
    }

    @Test
    void reads_the_key_formats_openssl_writes() throws Exception {
        Path sec1 = dir.resolve("ec.key");
        Path pkcs1 = dir.resolve("rsa.key");
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1.toString());
        run("openssl", "req", "-x509", "-key", sec1.toString(), "-out", dir.resolve("ec.crt").toString(), "-days", "1",
                "-subj", "/CN=ec.test");
        run("openssl", "genrsa", "-traditional", "-out", pkcs1.toString(), "2048");
        run("openssl", "req", "-x509", "-key", pkcs1.toString(), "-out", dir.resolve("rsa.crt").toString(), "-days", "1",
                "-subj", "/CN=rsa.test");
        assertThat(Files.readString(sec1)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");

        assertThat(KeyedCertificate.read(dir.resolve("ec.crt"), sec1).names()).containsExactly("ec.test");
        assertThat(KeyedCertificate.read(dir.resolve("rsa.crt"), pkcs1).names()).containsExactly("rsa.test");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }

    @Test
    void sends_hsts_over_https_only() throws Exception {
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost");
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "hi");
        Path conf = Files.writeString(dir.resolve("tls.conf"), """
                listeners = ["127.0.0.1:0", { host = 127.0.0.1, port = 0, tls = true }]
                certificates = [{ cert = localhost.crt, key = localhost.key }]
                hosts { main { default = true, hsts { max-age = 1d } } }
                static = [{ dir = site, hosts = [main] }]
                """);
        server = TestServer.startWith(dir.resolve("state"), p -> p.configFile(conf));
        List<URI> urls = server.container().urls();
        URI plain = urls.stream().filter(u -> u.getScheme().equals("http")).findFirst().orElseThrow();
        URI secure = urls.stream().filter(u -> u.getScheme().equals("https")).findFirst().orElseThrow();

        HttpResponse<String> overTls = HttpClient.newBuilder().sslContext(TestCerts.trusting(cert.certificate())).build()
                .send(HttpRequest.newBuilder(URI.create("https://localhost:" + secure.getPort() + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> overPlain = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(plain).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(overTls.body()).isEqualTo("hi");
        assertThat(overTls.headers().firstValue("strict-transport-security")).hasValue("max-age=86400");
        assertThat(overPlain.body()).isEqualTo("hi");
        assertThat(overPlain.headers().firstValue("strict-transport-security")).isEmpty();
    }

    @Test
    void redirects_plain_http_to_https_with_308_keeping_path_and_query() throws Exception {
        var cert = TestCerts.write(dir, "localhost", "EC", "localhost");
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "hi");
        Path conf = Files.writeString(dir.resolve("tls.conf"), """
                listeners = ["127.0.0.1:0", { host = 127.0.0.1, port = 0, tls = true }]
                certificates = [{ cert = localhost.crt, key = localhost.key }]
                hosts { main { default = true, https-redirect = true } }
                static = [{ dir = site, hosts = [main] }]
                """);
        server = TestServer.startWith(dir.resolve("state"), p -> p.configFile(conf));
        List<URI> urls = server.container().urls();
        URI plain = urls.stream().filter(u -> u.getScheme().equals("http")).findFirst().orElseThrow();
        int httpsPort = urls.stream().filter(u -> u.getScheme().equals("https")).findFirst().orElseThrow().getPort();

        HttpResponse<String> get = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(plain.resolve("/index.html?a=1&b=%20")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain.resolve("/form"))
                .POST(HttpRequest.BodyPublishers.ofString("x=1")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> overTls = HttpClient.newBuilder().sslContext(TestCerts.trusting(cert.certificate())).build()
                .send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + "/index.html")).build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(get.statusCode()).isEqualTo(308);
        assertThat(get.headers().firstValue("location")).hasValue("https://127.0.0.1:" + httpsPort + "/index.html?a=1&b=%20");
        assertThat(post.statusCode()).isEqualTo(308);
        assertThat(overTls.statusCode()).isEqualTo(200);
        assertThat(overTls.body()).isEqualTo("hi");
    }

    @Test
    void https_redirect_without_an_https_listener_is_a_config_problem() throws Exception {
        Path conf = Files.writeString(dir.resolve("plain.conf"), """
                hosts {
                  main { default = true, https-redirect = true }
                }
                """);
        assertThatThrownBy(() -> dev.container.config.ConfigFile.load(conf))
                .hasMessageContaining(conf + ":2: hosts.main.https-redirect: needs a listener with tls = true to redirect to");
    }

    @Test
    void serves_a_certificate_replaced_on_disk_to_the_next_new_connection() throws Exception {
        var first = TestCerts.write(dir, "site", "EC", "localhost");
        server = TestServer.startWith(dir.resolve("state"), p -> p.https("127.0.0.1:0").cert(first.cert(), first.key())
                .staticDir(dir.toString(), false));
        Path next = Files.createDirectories(dir.resolve("next"));
        var second = TestCerts.write(next, "site", "EC", "localhost");
        X509Certificate[] both = {first.certificate(), second.certificate()};
        assertThat(served(both, "localhost")).isEqualTo(first.certificate());

        // as a renewal does it: the new files renamed over the old ones
        Files.move(second.key(), first.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(second.cert(), first.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!served(both, "localhost").equals(second.certificate())) {
            assertThat(System.nanoTime()).as("the new certificate is served").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void keeps_serving_the_running_certificate_when_the_new_files_do_not_match() throws Exception {
        var first = TestCerts.write(dir, "site", "EC", "localhost");
        var other = TestCerts.write(Files.createDirectories(dir.resolve("other")), "site", "EC", "localhost");
        CertificateStore store = new CertificateStore(List.of(new dev.container.config.CertSpec(first.cert(), first.key())));
        Files.copy(other.key(), first.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(store.replace(List.of(new dev.container.config.CertSpec(first.cert(), first.key())))).isFalse();
        assertThat(store.current().certificates().get(0).leaf()).isEqualTo(first.certificate());
    }

    @Test
    void https_without_a_certificate_is_a_usage_error() {
        assertThatThrownBy(() -> new dev.container.config.PlanBuilder().https("127.0.0.1:0").staticDir(dir.toString(), false).build())
                .isInstanceOf(ConfigError.class)
                .hasMessageContaining("--https needs a certificate: give --cert FILE --key FILE");
    }
}
