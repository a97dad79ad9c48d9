package dev.container.acme;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.container.config.AcmeSpec;
import dev.container.tls.CertificateStore;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ACME Renewal Information (RFC 9773). Debian's Pebble has no renewalInfo, so a small local
 * stand-in directory serves one: the client asks it for the window of a certificate by its
 * certID; and a directory without renewalInfo leaves the lifetime rule alone to decide.
 */
class AriTest {
    @TempDir
    Path dir;

    private HttpServer standIn;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger nonces = new AtomicInteger();

    @AfterEach
    void stop() {
        if (standIn != null) {
            standIn.stop(0);
        }
    }

    /** A directory at /dir that has renewalInfo (or not), accounts at /account, ARI answers at /ari/. */
    private URI standIn(boolean withAri, Instant start, Instant end) throws IOException {
        standIn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:" + standIn.getAddress().getPort();
        standIn.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            exchange.getResponseHeaders().add("Replay-Nonce", "nonce" + nonces.incrementAndGet());
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/dir")) {
                send(exchange, 200, "{\"newNonce\": \"" + base + "/nonce\", \"newAccount\": \"" + base + "/account\","
                        + " \"newOrder\": \"" + base + "/order\""
                        + (withAri ? ", \"renewalInfo\": \"" + base + "/ari\"" : "") + "}");
            } else if (path.equals("/nonce")) {
                send(exchange, 200, null);
            } else if (path.equals("/account")) {
                exchange.getResponseHeaders().add("Location", base + "/account/1");
                send(exchange, 200, "{\"status\": \"valid\"}");
            } else if (path.startsWith("/ari/")) {
                exchange.getResponseHeaders().add("Retry-After", "21600");
                send(exchange, 200, "{\"suggestedWindow\": {\"start\": \"" + start + "\", \"end\": \"" + end + "\"},"
                        + " \"explanationURL\": \"https://ca.example/incident\"}");
            } else {
                send(exchange, 404, "{\"type\": \"urn:ietf:params:acme:error:malformed\"}");
            }
        });
        standIn.start();
        return URI.create(base + "/dir");
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        if (json == null) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", status == 200 ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    private AcmeClient client(URI directory) {
        AcmeSpec spec = new AcmeSpec(directory, Optional.empty(), true, Optional.empty(), Optional.empty(),
                AcmeSpec.Challenge.HTTP_01, Optional.empty(), Duration.ofMinutes(10));
        return new AcmeClient(spec, new AcmeStorage(dir, directory), new Http01Responder(),
                new CertificateStore(List.of()), true);
    }

    /** A certificate with an Authority Key Identifier, which ARI's certID is made of. */
    private static X509Certificate certificate() throws Exception {
        KeyPair ca = AcmeClient.ecKey();
        KeyPair leaf = AcmeClient.ecKey();
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=Stand-in CA"), BigInteger.valueOf(4711),
                java.util.Date.from(now), java.util.Date.from(now.plus(Duration.ofDays(90))), new X500Name("CN=a.test"),
                leaf.getPublic());
        builder.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.getPublic()));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));
    }

    @Test
    void asks_the_ca_for_its_renewal_window_when_the_directory_has_renewal_info() throws Exception {
        Instant start = Instant.parse("2030-01-10T00:00:00Z");
        Instant end = Instant.parse("2030-01-12T00:00:00Z");
        AcmeClient client = client(standIn(true, start, end));

        Optional<AcmeClient.Window> window = client.renewalWindow(certificate());

        assertThat(window).isPresent();
        assertThat(window.get().start()).isEqualTo(start);
        assertThat(window.get().end()).isEqualTo(end);
        assertThat(window.get().retryAfter()).hasValueSatisfying(t -> assertThat(t).isAfter(Instant.now()));
        assertThat(window.get().explanation()).contains("https://ca.example/incident");
        assertThat(requests).anyMatch(r -> r.startsWith("GET /ari/"));
    }

    @Test
    void without_renewal_info_in_the_directory_the_lifetime_rule_decides() throws Exception {
        AcmeClient client = client(standIn(false, Instant.now(), Instant.now()));

        Optional<AcmeClient.Window> window = client.renewalWindow(certificate());

        assertThat(window).isEmpty();
        assertThat(requests).noneMatch(r -> r.contains("/ari/"));
        Instant issued = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(RenewalPolicy.due(issued.plus(Duration.ofDays(30)), issued, issued.plus(Duration.ofDays(90)),
                Optional.empty(), Optional.empty())).isFalse();
    }
}
