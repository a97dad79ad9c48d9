package dev.container.testing;

import dev.container.tls.TestCerts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A real ACME CA for tests: Debian's Pebble, with pebble-challtestsrv as its DNS server answering
 * 127.0.0.1 for every name, validating http-01 and tls-alpn-01 against the ports given (the
 * container's). Its own HTTPS uses a self-signed certificate made here ({@link #trustFile}).
 * PEBBLE_VA_NOSLEEP=1 and PEBBLE_AUTHZREUSE=0 (every order validated anew); Pebble's default
 * nonce rejection (5%) is left on, so the client's retry of badNonce is exercised. Tests are skipped, saying so, when the pebble binary is not installed.
 * Only the processes started here are stopped, by their handles, with bounded waits.
 */
public final class Pebble implements AutoCloseable {
    public static final String PEBBLE = "pebble";
    public static final String CHALLTESTSRV = "pebble-challtestsrv";

    private final Path dir;
    private final int httpPort;
    private final int tlsPort;
    private final int port;
    private final int managementPort;
    private final int dnsPort;
    private final X509Certificate ownCertificate;
    private final Path trustFile;
    private Process dns;
    private Process pebble;

    /** Skips the calling test unless Pebble is installed (the package `pebble`). */
    public static void assumeInstalled() {
        MissingTools.require(PEBBLE);
        MissingTools.require(CHALLTESTSRV);
    }

    /** Prepares (does not start) a Pebble that validates on these ports of 127.0.0.1. */
    public Pebble(Path dir, int httpPort, int tlsPort) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.httpPort = httpPort;
        this.tlsPort = tlsPort;
        this.port = freePort();
        this.managementPort = freePort();
        this.dnsPort = freePort();
        var own = TestCerts.write(dir, "pebble-https", "EC", "localhost", "127.0.0.1");
        this.ownCertificate = own.certificate();
        this.trustFile = own.cert();
        Files.writeString(dir.resolve("pebble.json"), """
                {"pebble": {
                  "listenAddress": "127.0.0.1:%d",
                  "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s",
                  "privateKey": "%s",
                  "httpPort": %d,
                  "tlsPort": %d,
                  "ocspResponderURL": "",
                  "externalAccountBindingRequired": false,
                  "retryAfter": {"authz": 1, "order": 1}
                }}
                """.formatted(port, managementPort, own.cert(), own.key(), httpPort, tlsPort));
    }

    /** A free TCP port of 127.0.0.1 now (another process could take it before it is used; rare enough here). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts the DNS server and Pebble, and waits (at most 30 s) until the directory answers. */
    public Pebble start() throws Exception {
        if (dns == null) {
            dns = new ProcessBuilder(CHALLTESTSRV, "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
                    "-dns01", "127.0.0.1:" + dnsPort, "-http01", "", "-https01", "", "-tlsalpn01", "",
                    "-management", "127.0.0.1:" + freePort())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("challtestsrv.log").toFile()).start();
        }
        ProcessBuilder builder = new ProcessBuilder(PEBBLE, "-config", dir.resolve("pebble.json").toString(),
                "-dnsserver", "127.0.0.1:" + dnsPort)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pebble.log").toFile()));
        builder.environment().put("PEBBLE_VA_NOSLEEP", "1");
        // Pebble reuses a valid authorization for half of the orders by default: an order would then
        // need no challenge or need one, at random; every order here is validated anew
        builder.environment().put("PEBBLE_AUTHZREUSE", "0");
        pebble = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpClient client = client();
        while (true) {
            try {
                if (client.send(HttpRequest.newBuilder(directory()).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!pebble.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Pebble did not start within 30 s:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    public URI directory() {
        return URI.create("https://127.0.0.1:" + port + "/dir");
    }

    /** The PEM file of the certificate of Pebble's own HTTPS (the acme.trust setting). */
    public Path trustFile() {
        return trustFile;
    }

    public int httpPort() {
        return httpPort;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** The root Pebble issues under (new at each Pebble start), from its management API. */
    public X509Certificate root() throws Exception {
        HttpResponse<byte[]> answer = client().send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + managementPort + "/roots/0")).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("Pebble's /roots/0 answered " + answer.statusCode());
        }
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(answer.body()));
    }

    /** How many times Pebble's log says it issued a certificate. */
    public long issued() throws IOException {
        return log().lines().filter(l -> l.contains("Issued certificate serial")).count();
    }

    public String log() throws IOException {
        Path file = dir.resolve("pebble.log");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private HttpClient client() throws Exception {
        SSLContext trust = TestCerts.trusting(ownCertificate);
        return HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** Stops Pebble (the DNS server stays up for a restart with {@link #start}). */
    public void stopPebble() throws InterruptedException {
        stop(pebble);
        pebble = null;
    }

    private static void stop(Process process) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(pebble);
        stop(dns);
    }

    /** What a test names in its failure: the log lines of both processes. */
    public String logs() {
        try {
            Path c = dir.resolve("challtestsrv.log");
            return "--- pebble.log\n" + log() + "--- challtestsrv.log\n" + (Files.exists(c) ? Files.readString(c) : "");
        } catch (IOException e) {
            return e.toString();
        }
    }
}
