package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * OCSP stapling seen by real clients: openssl s_client -status and the JDK's client, against a
 * certificate whose OCSP responder is OpenSSL's ({@link OcspResponder}).
 */
class OcspStaplingTest {
    @TempDir
    Path dir;

    private OcspResponder responder;
    private TestServer server;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private Logger containerLog;
    private Level levelBefore;

    @BeforeEach
    void start() throws Exception {
        responder = OcspResponder.start(dir.resolve("ca"));
        Files.writeString(dir.resolve("index.html"), "hello");
        containerLog = (Logger) LoggerFactory.getLogger("container");
        levelBefore = containerLog.getLevel();
        containerLog.setLevel(Level.INFO);
        log.start();
        containerLog.addAppender(log);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (responder == null) {
            return; // openssl is missing: skipped before anything started
        }
        containerLog.detachAppender(log);
        containerLog.setLevel(levelBefore);
        responder.close();
    }

    private void serve(String provider, TestCerts.Files2... certs) {
        server = TestServer.startWith(dir.resolve("state"), p -> {
            p.https("127.0.0.1:0").staticDir(dir.toString(), false).tlsProvider(provider);
            for (var cert : certs) {
                p.cert(cert.cert(), cert.key());
            }
        });
    }

    /** What openssl s_client -status says of one connection (with a request that closes it). */
    private String sClient(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
                "-servername", "localhost", "-status", "-ign_eof", "-CAfile", responder.caFile().toString()));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write("GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("openssl s_client finished").isTrue();
        return said;
    }

    /** s_client's output once a staple shows (fetching is in the background), within 20 s. */
    private String sClientStapled(String... options) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String said = sClient(options);
        while (!said.contains("OCSP Response Status: successful") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            said = sClient(options);
        }
        return said;
    }

    /** The serial as openssl prints it: upper-case hex in whole bytes. */
    private static String serialHex(X509Certificate certificate) {
        String hex = certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
        return hex.length() % 2 == 0 ? hex : "0" + hex;
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void openssl_gets_a_good_staple_for_the_certificate(String version) throws Exception {
        var cert = responder.issue("localhost", "EC", true, "localhost");
        serve("conscrypt", cert);

        String said = sClientStapled(version);

        assertThat(said).contains("OCSP Response Status: successful").contains("Cert Status: good")
                .contains("Serial Number: " + serialHex(cert.certificate()))
                .contains("Verify return code: 0 (ok)").contains("hello");
        // fetched once, in the background: the handshakes never asked the responder
        assertThat(responder.requests()).isEqualTo(1);
    }

    @Test
    void a_jdk_client_that_checks_revocation_takes_the_staple_while_the_responder_is_down() throws Exception {
        var cert = responder.issue("localhost", "EC", true, "localhost");
        serve("conscrypt", cert);
        sClientStapled("-tls1_3");
        responder.mode(OcspResponder.Mode.DOWN);

        Handshake handshake = handshake(revocationChecking(), "TLSv1.3");

        assertThat(handshake.staples()).singleElement().satisfies(s -> assertThat(serialOf(s))
                .isEqualTo(cert.certificate().getSerialNumber()));
        assertThat(handshake.peer().getSerialNumber()).isEqualTo(cert.certificate().getSerialNumber());
    }

    @Test
    void without_a_staple_that_client_cannot_check_and_refuses() throws Exception {
        // the control for the test above: the same client with no staple and the responder down fails
        var cert = responder.issue("localhost", "EC", true, "localhost");
        responder.mode(OcspResponder.Mode.DOWN);
        serve("conscrypt", cert);

        assertThat(sClient("-tls1_3")).contains("OCSP response: no response sent").contains("hello");
        assertThatThrownBy(() -> handshake(revocationChecking(), "TLSv1.3")).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void a_name_with_ec_and_rsa_certificates_gets_the_staple_of_the_one_it_is_served() throws Exception {
        var rsa = responder.issue("rsa", "RSA", true, "localhost");
        var ec = responder.issue("ec", "EC", true, "localhost");
        serve("conscrypt", rsa, ec);
        sClientStapled("-tls1_3");
        assertThat(responder.requests()).isEqualTo(2);

        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            Handshake handshake = handshake(TestCerts.trusting(responder.ca()), version);

            assertThat(handshake.staples()).as(version).singleElement()
                    .satisfies(s -> assertThat(serialOf(s)).isEqualTo(handshake.peer().getSerialNumber()));
        }
    }

    /** End to end: the stapling engine and Undertow's ALPN layer both wait for the whole ClientHello. */
    @Test
    void a_client_hello_that_arrives_in_pieces_still_gets_its_staple() throws Exception {
        var cert = responder.issue("localhost", "EC", true, "localhost");
        serve("conscrypt", cert);
        sClientStapled("-tls1_3");
        int serverPort = server.port();

        try (ServerSocket relay = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread pump = new Thread(() -> splitFirstWrite(relay, serverPort));
            pump.setDaemon(true);
            pump.start();
            List<String> command = List.of("openssl", "s_client", "-connect", "127.0.0.1:" + relay.getLocalPort(),
                    "-servername", "localhost", "-status", "-tls1_2", "-ign_eof");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write("GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
            }
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(said).contains("OCSP Response Status: successful").contains("hello");
        }
    }

    /**
     * Relays one connection to the server, sending the client's first bytes in two TCP segments
     * (3 bytes, a pause, the rest): the server reads less than a TLS record header first.
     */
    private static void splitFirstWrite(ServerSocket relay, int serverPort) {
        try (Socket client = relay.accept(); Socket upstream = new Socket(InetAddress.getLoopbackAddress(), serverPort)) {
            upstream.setTcpNoDelay(true);
            Thread down = new Thread(() -> {
                try {
                    upstream.getInputStream().transferTo(client.getOutputStream());
                    client.shutdownOutput();
                } catch (IOException e) {
                    // closed
                }
            });
            down.setDaemon(true);
            down.start();
            InputStream in = client.getInputStream();
            OutputStream out = upstream.getOutputStream();
            byte[] buffer = new byte[16 * 1024];
            int n = in.read(buffer);
            out.write(buffer, 0, 3);
            out.flush();
            Thread.sleep(300);
            out.write(buffer, 3, n - 3);
            out.flush();
            in.transferTo(out);
            upstream.shutdownOutput();
            down.join(30_000);
        } catch (IOException | InterruptedException e) {
            // the test's assertions tell
        }
    }

    @Test
    void a_restart_staples_the_saved_response_at_once_while_the_responder_is_down() throws Exception {
        var cert = responder.issue("localhost", "EC", true, "localhost");
        serve("conscrypt", cert);
        sClientStapled("-tls1_3");
        server.close();
        server = null;
        responder.mode(OcspResponder.Mode.DOWN);

        serve("conscrypt", cert);

        assertThat(sClient("-tls1_2")).contains("OCSP Response Status: successful").contains("Cert Status: good");
        assertThat(responder.requests()).isEqualTo(1);
    }

    @Test
    void certificates_without_an_ocsp_url_are_served_without_asking_anyone() throws Exception {
        var cert = responder.issue("localhost", "EC", false, "localhost");
        serve("conscrypt", cert);

        assertThat(sClient("-tls1_3")).contains("OCSP response: no response sent").contains("hello");
        assertThat(responder.requests()).isZero();
    }

    @Test
    void the_jdk_provider_staples_nothing_and_says_so_once() throws Exception {
        var cert = responder.issue("localhost", "EC", true, "localhost");
        serve("jdk", cert);

        assertThat(sClient("-tls1_3")).contains("OCSP response: no response sent").contains("hello");
        assertThat(responder.requests()).isZero();
        assertThat(List.copyOf(log.list)).filteredOn(e -> e.getFormattedMessage().contains("no OCSP stapling with the JDK's provider"))
                .singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains("localhost"));
    }

    private record Handshake(X509Certificate peer, List<byte[]> staples) {
    }

    /** One handshake of the JDK's client (which asks for a staple: status_request is on by default). */
    private Handshake handshake(SSLContext context, String protocol) throws Exception {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName("localhost")));
            parameters.setProtocols(new String[] {protocol});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            ExtendedSSLSession session = (ExtendedSSLSession) socket.getSession();
            return new Handshake((X509Certificate) session.getPeerCertificates()[0], session.getStatusResponses());
        }
    }

    /** A client that trusts the test CA and insists on an OCSP answer for the server's certificate. */
    private SSLContext revocationChecking() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", responder.ca());
        PKIXBuilderParameters parameters = new PKIXBuilderParameters(trust, new X509CertSelector());
        PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX").getRevocationChecker();
        checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY, PKIXRevocationChecker.Option.NO_FALLBACK));
        parameters.addCertPathChecker(checker);
        parameters.setRevocationEnabled(true);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(new CertPathTrustManagerParameters(parameters));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static BigInteger serialOf(byte[] staple) throws Exception {
        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(staple).getResponseObject();
        return basic.getResponses()[0].getCertID().getSerialNumber();
    }
}
