package dev.container.acme;

import dev.container.Container;
import dev.container.cli.ContainerCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import dev.container.config.ConfigFile;
import dev.container.testing.AcmeFixture;
import dev.container.testing.Pebble;
import dev.container.testing.TlsProbe;
import dev.container.tls.TestCerts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Automatic HTTPS against a real ACME CA, Pebble (see {@link Pebble}): certificates are ordered in
 * the background, validated over http-01 or tls-alpn-01 on the container's own listeners, stored,
 * served by SNI, reused after a restart and renewed without one.
 */
class AcmePebbleTest {
    private static final Duration ISSUE_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private AcmeFixture acme;
    private Pebble pebble;

    @BeforeEach
    void setUp() throws Exception {
        acme = AcmeFixture.start(dir);
        pebble = acme.pebble();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (acme != null) {
            acme.close();
        }
    }

    /** The config of a container with the given hosts on tls = auto, Pebble as its CA. */
    private Path config(String name, Path state, String acmeExtra, String... hosts) throws IOException {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "hello over https\n");
        StringBuilder hostsText = new StringBuilder();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < hosts.length; i++) {
            String id = "h" + i;
            ids.add(id);
            hostsText.append("  ").append(id).append(" { names = [\"").append(hosts[i]).append("\"]")
                    .append(i == 0 ? ", default = true" : "")
                    // the second host redirects plain HTTP to HTTPS: http-01 must be answered before that
                    .append(i == 1 ? ", https-redirect = true" : "").append(", tls = auto }\n");
        }
        Path file = dir.resolve(name + ".conf");
        Files.writeString(file, """
                listeners = ["127.0.0.1:%d", { host = "127.0.0.1", port = %d, tls = true }]
                state-dir = "%s"
                hosts {
                %s}
                static = [{ dir = "%s", hosts = [%s] }]
                acme {
                  directory = "%s"
                  trust = "%s"
                  email = "test@example.com"
                  agree-terms = true
                  check-interval = 500ms
                  %s
                }
                """.formatted(pebble.httpPort(), pebble.tlsPort(), state, hostsText, site, String.join(", ", ids),
                pebble.directory(), pebble.trustFile(), acmeExtra));
        return file;
    }

    private Container start(Path config) {
        return acme.container(config);
    }

    private SSLContext trustingPebble() throws Exception {
        return TestCerts.trusting(pebble.root());
    }

    /** Waits until name is served with a certificate that chains to Pebble's root; that certificate. */
    private X509Certificate awaitCertificate(SSLContext trust, String name, X509Certificate other) throws Exception {
        return acme.awaitCertificate(trust, pebble.tlsPort(), name, other, ISSUE_DEADLINE);
    }

    private long logged(String fragment) {
        return acme.logged(fragment);
    }

    @Test
    void two_hosts_get_certificates_over_http01_served_by_sni_with_h2() throws Exception {
        Path state = dir.resolve("state");
        long began = System.nanoTime();
        start(config("two", state, "challenge = http-01", "a.test", "b.test"));
        long startMillis = (System.nanoTime() - began) / 1_000_000;
        SSLContext trust = trustingPebble();

        X509Certificate a = awaitCertificate(trust, "a.test", null);
        X509Certificate b = awaitCertificate(trust, "b.test", null);
        TlsProbe.Result h2 = TlsProbe.handshake(trust, pebble.tlsPort(), "a.test", "h2", "http/1.1");

        assertThat(startMillis).as("start-up does not wait for the CA").isLessThan(10_000);
        assertThat(a.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly("a.test");
        assertThat(b.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly("b.test");
        assertThat(chainsTo(h2.chain(), pebble.root())).isTrue();
        assertThat(h2.protocol()).isEqualTo("h2");
        assertThat(TlsProbe.get(trust, pebble.tlsPort(), "b.test", "/index.html")).isEqualTo(200);
        assertThat(logged("is under the temporary directory")).as("a @TempDir state is warned about").isEqualTo(1);
        assertThat(logged("answering the http-01 challenge for a.test")).isEqualTo(1);
        assertThat(logged("answering the http-01 challenge for b.test")).isEqualTo(1);
        Path pem = new AcmeStorage(state, pebble.directory()).pemFile("a.test");
        assertThat(Files.getPosixFilePermissions(pem)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(new AcmeStorage(state, pebble.directory()).accountKey()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void a_host_gets_its_certificate_over_tls_alpn01_on_the_https_listener() throws Exception {
        start(config("alpn", dir.resolve("state"), "challenge = tls-alpn-01", "c.test"));
        SSLContext trust = trustingPebble();

        X509Certificate c = awaitCertificate(trust, "c.test", null);
        TlsProbe.Result h2 = TlsProbe.handshake(trust, pebble.tlsPort(), "c.test", "h2", "http/1.1");

        assertThat(logged("answering the tls-alpn-01 challenge for c.test")).isEqualTo(1);
        assertThat(logged("http-01")).isZero();
        assertThat(c.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly("c.test");
        assertThat(chainsTo(h2.chain(), pebble.root())).isTrue();
        assertThat(h2.protocol()).as("ordinary clients still get h2 from the wrapped engine").isEqualTo("h2");
    }

    @Test
    void each_host_answers_the_challenge_it_chose() throws Exception {
        Path conf = config("mixed", dir.resolve("state"), "challenge = http-01", "a.test", "c.test");
        String text = Files.readString(conf);
        String c = "h1 { names = [\"c.test\"], https-redirect = true, tls = auto }";
        assertThat(text).contains(c);
        Files.writeString(conf, text.replace(c, c.replace("tls = auto }", "tls = auto, challenge = tls-alpn-01 }")));
        start(conf);
        SSLContext trust = trustingPebble();

        awaitCertificate(trust, "a.test", null);
        awaitCertificate(trust, "c.test", null);

        assertThat(logged("answering the http-01 challenge for a.test")).isEqualTo(1);
        assertThat(logged("answering the tls-alpn-01 challenge for c.test")).isEqualTo(1);
        assertThat(logged("http-01 challenge for c.test")).isZero();
    }

    @Test
    void certs_and_validate_name_the_issuer_and_expiry_of_stored_certificates() throws Exception {
        Path state = dir.resolve("state");
        Path config = config("listed", state, "", "a.test");
        Container container = start(config);
        X509Certificate a = awaitCertificate(trustingPebble(), "a.test", null);
        StringWriter served = new StringWriter();
        StringWriter certs = new StringWriter();
        StringWriter validate = new StringWriter();

        int servedExit = ContainerCommand.commandLine().setOut(new PrintWriter(served)).execute("certs", "--state", state.toString());
        int validateExit = ContainerCommand.commandLine().setOut(new PrintWriter(validate)).execute("validate", config.toString());
        container.close();
        int certsExit = ContainerCommand.commandLine().setOut(new PrintWriter(certs)).execute("certs", "--state", state.toString());

        String issuer = CertificateInfo.issuer(a);
        String days = " +\\d+ +";
        assertThat(servedExit).isZero();
        assertThat(served.toString()).contains("NAME", "ISSUER").containsPattern("a\\.test +acme +"
                + java.util.regex.Pattern.quote(issuer) + " +" + a.getNotAfter().toInstant() + days + "valid, renews at 20");
        assertThat(certsExit).isZero();
        assertThat(certs.toString()).startsWith("no running container found; the ACME certificates stored in")
                .containsPattern("a\\.test +acme +" + java.util.regex.Pattern.quote(issuer) + " +" + a.getNotAfter().toInstant()
                        + days + "valid");
        assertThat(validateExit).isZero();
        assertThat(validate.toString())
                .contains("acme: stored certificate a.test: issued by " + issuer + ", valid until " + a.getNotAfter().toInstant())
                .contains("warning: acme: a.test (host h0) does not resolve")
                .contains("warning: acme: cannot bind 127.0.0.1:" + pebble.httpPort());
    }

    @Test
    void a_reload_adds_a_host_and_keeps_the_running_certificates() throws Exception {
        Path state = dir.resolve("state");
        Container container = start(config("before", state, "", "a.test"));
        SSLContext trust = trustingPebble();
        X509Certificate a = awaitCertificate(trust, "a.test", null);

        container.reload(ConfigFile.load(config("after", state, "", "a.test", "b.test")));
        X509Certificate b = awaitCertificate(trust, "b.test", null);

        assertThat(b.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly("b.test");
        assertThat(TlsProbe.handshake(trust, pebble.tlsPort(), "a.test").leaf()).isEqualTo(a);
        assertThat(logged("ordered a certificate for a.test")).isEqualTo(1);
    }

    @Test
    void corrupt_files_in_storage_are_logged_and_ordered_again_without_stopping_the_server() throws Exception {
        Path state = dir.resolve("state");
        AcmeStorage storage = new AcmeStorage(state, pebble.directory());
        dev.container.storage.AtomicFiles.write(storage.pemFile("a.test"), "-----BEGIN CERTIFICATE-----\ngarbage\n", true);
        dev.container.storage.AtomicFiles.write(storage.accountKey(), "not a key", true);

        start(config("corrupt", state, "", "a.test"));
        X509Certificate a = awaitCertificate(trustingPebble(), "a.test", null);

        assertThat(logged("a.test: the stored certificate does not read")).isEqualTo(1);
        assertThat(logged("does not read") + logged("moved it to")).isGreaterThanOrEqualTo(2);
        assertThat(a.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly("a.test");
        try (var files = Files.list(storage.root())) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("account.key.unreadable-"));
        }
    }

    @Test
    void a_restart_serves_the_stored_certificates_and_orders_nothing() throws Exception {
        Path state = dir.resolve("state");
        Path config = config("restart", state, "", "a.test", "b.test");
        Container first = start(config);
        SSLContext trust = trustingPebble();
        X509Certificate a = awaitCertificate(trust, "a.test", null);
        X509Certificate b = awaitCertificate(trust, "b.test", null);
        first.close();
        long issuedBefore = pebble.issued();
        long ordersBefore = logged("ordered a certificate");

        start(config);
        X509Certificate aAgain = TlsProbe.handshake(trust, pebble.tlsPort(), "a.test").leaf();
        X509Certificate bAgain = TlsProbe.handshake(trust, pebble.tlsPort(), "b.test").leaf();
        Thread.sleep(2_000); // four check intervals: time enough for an order, if one were made

        assertThat(aAgain).isEqualTo(a);
        assertThat(bAgain).isEqualTo(b);
        assertThat(issuedBefore).isEqualTo(2);
        assertThat(pebble.issued()).isEqualTo(issuedBefore);
        assertThat(logged("ordered a certificate")).isEqualTo(ordersBefore);
        assertThat(logged("serving the stored certificate")).isEqualTo(2);
    }

    @Test
    void forced_renewal_installs_new_certificates_while_a_client_loop_sees_no_failure() throws Exception {
        // renew-before longer than Pebble's 5-year lifetime: every certificate is due as soon as it is issued
        Container container = start(config("renew", dir.resolve("state"), "renew-before = 2000d", "a.test"));
        SSLContext trust = trustingPebble();
        awaitCertificate(trust, "a.test", null);
        AtomicInteger requests = new AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Set<java.math.BigInteger> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread loop = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted() && seen.size() < 3) {
                try {
                    int status = TlsProbe.get(trust, pebble.tlsPort(), "a.test", "/index.html");
                    requests.incrementAndGet();
                    if (status != 200) {
                        failures.add("status " + status);
                    }
                    seen.add(TlsProbe.handshake(trust, pebble.tlsPort(), "a.test").leaf().getSerialNumber());
                } catch (IOException e) {
                    failures.add(e.toString());
                }
            }
        }, "client-loop");
        loop.start();
        loop.join(TimeUnit.SECONDS.toMillis(60));
        loop.interrupt();
        loop.join(10_000);

        assertThat(failures).as("failed requests among %d", requests.get()).isEmpty();
        assertThat(seen).as(acme.logLines()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(logged("renewing the certificate")).isGreaterThanOrEqualTo(2);
        assertThat(container.plan().autoTlsHosts()).hasSize(1);
    }

    @Test
    void the_control_api_shows_the_acme_state_and_renews_on_request() throws Exception {
        Path state = dir.resolve("state");
        start(config("api", state, "", "a.test"));
        SSLContext trust = trustingPebble();
        X509Certificate first = awaitCertificate(trust, "a.test", null);
        dev.container.admin.AdminClient admin = dev.container.admin.AdminClient.forStateDir(state);

        com.fasterxml.jackson.databind.JsonNode listed = admin.get("certificates").path("certificates");

        assertThat(listed).hasSize(1);
        var c = listed.get(0);
        assertThat(c.path("name").asText()).isEqualTo("a.test");
        assertThat(c.path("source").asText()).isEqualTo("acme");
        assertThat(c.path("state").asText()).isEqualTo("valid");
        assertThat(c.path("issuer").asText()).isEqualTo(CertificateInfo.issuer(first));
        assertThat(c.path("notAfter").asText()).isEqualTo(first.getNotAfter().toInstant().toString());
        var acme = c.path("acme");
        assertThat(acme.path("host").asText()).isEqualTo("h0");
        // a third of the lifetime before expiry, or earlier in the CA's ARI window
        assertThat(java.time.Instant.parse(acme.path("renewAt").asText())).isBefore(first.getNotAfter().toInstant());
        assertThat(acme.path("failures").asInt()).isZero();
        assertThat(acme.path("lastError").isNull()).isTrue();
        assertThat(acme.path("nextAttempt").isNull()).isTrue();

        long began = System.nanoTime();
        admin.post("certificates/a.test/renew");
        long answeredMillis = (System.nanoTime() - began) / 1_000_000;
        X509Certificate renewed = awaitCertificate(trust, "a.test", first);

        assertThat(answeredMillis).as("answers at once; the order runs in the background").isLessThan(ISSUE_DEADLINE.toMillis());
        assertThat(renewed.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(logged("renewing the certificate valid until " + first.getNotAfter().toInstant() + " (asked for)"))
                .isEqualTo(1);
        this.acme.await("the renewed certificate in the API", Duration.ofSeconds(10), () -> admin.get("certificates")
                .path("certificates").get(0).path("notAfter").asText().equals(renewed.getNotAfter().toInstant().toString()));
        assertThat(admin.get("certificates").path("certificates").get(0).path("acme").path("renewRequested").asBoolean())
                .isFalse();
        var metrics = dev.container.metrics.Scraped.fromAdmin(state);
        assertThat(metrics.value("container_acme_orders_total", "outcome", "issued")).isEqualTo(2);
        assertThat(metrics.value("container_acme_orders_total", "outcome", "network")).isZero();
        assertThat(metrics.value("container_tls_certificate_expiry_seconds", "name", "a.test")).isCloseTo(
                java.time.Duration.between(java.time.Instant.now(), renewed.getNotAfter().toInstant()).toSeconds(),
                org.assertj.core.api.Assertions.within(60.0));
    }

    @Test
    void with_the_ca_down_the_server_starts_serves_plain_http_and_logs_the_failure() throws Exception {
        pebble.stopPebble();
        long began = System.nanoTime();
        start(config("down", dir.resolve("state"), "", "a.test"));
        long startMillis = (System.nanoTime() - began) / 1_000_000;
        HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + pebble.httpPort() + "/index.html")).build(),
                HttpResponse.BodyHandlers.ofString());
        // two lines, logged one after the other by the maintenance thread: wait for both
        acme.await("the failure in the log", Duration.ofSeconds(30),
                () -> logged("cannot reach the CA") > 0 && logged("no certificate yet") > 0);

        assertThat(startMillis).isLessThan(10_000);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(logged("no certificate yet")).isGreaterThanOrEqualTo(1);
        var waiting = dev.container.admin.AdminClient.forStateDir(dir.resolve("state")).get("certificates")
                .path("certificates").get(0);
        assertThat(waiting.path("name").asText()).isEqualTo("a.test");
        assertThat(waiting.path("state").asText()).isEqualTo("missing");
        assertThat(waiting.path("notAfter").isNull()).isTrue();
        assertThat(waiting.path("acme").path("failures").asInt()).isPositive();
        assertThat(waiting.path("acme").path("lastError").asText()).startsWith("cannot reach the CA at ");
        assertThat(waiting.path("acme").path("nextAttempt").asText()).isNotEmpty();
        var metrics = dev.container.metrics.Scraped.fromAdmin(dir.resolve("state"));
        assertThat(metrics.value("container_acme_orders_total", "outcome", "network")).isPositive();
        assertThat(metrics.value("container_acme_orders_total", "outcome", "issued")).isZero();
        assertThat(metrics.has("container_tls_certificate_expiry_seconds")).isFalse();
    }

    static boolean chainsTo(List<X509Certificate> chain, X509Certificate root) throws Exception {
        var path = CertificateFactory.getInstance("X.509").generateCertPath(chain);
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(path, parameters);
        return true;
    }
}
