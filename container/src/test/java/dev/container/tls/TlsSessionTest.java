package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.TestServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What openssl's client sees of the handshake: sessions resume (TLS 1.3 by ticket, TLS 1.2 by
 * ticket or session id), only Mozilla's "intermediate" suites are on offer, and ECDSA wins when
 * a name has both an ECDSA and an RSA certificate, and a renegotiation the client asks for is refused;
 * with either provider.
 */
class TlsSessionTest {
    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void serve(String provider, TestCerts.Files2... certs) throws Exception {
        Files.writeString(dir.resolve("index.html"), "hello");
        server = TestServer.startWith(dir.resolve("state"), p -> {
            p.https("127.0.0.1:0").staticDir(dir.toString(), false).tlsProvider(provider);
            for (var cert : certs) {
                p.cert(cert.cert(), cert.key());
            }
        });
    }

    /**
     * One connection of openssl s_client with these options, sending a request that closes the
     * connection: s_client then reads until the server closes, by which time a TLS 1.3 server has
     * sent its session tickets (they come after the handshake).
     */
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
    @CsvSource({"conscrypt, -tls1_3", "conscrypt, -tls1_2", "jdk, -tls1_3", "jdk, -tls1_2"})
    void a_second_connection_resumes_the_first_ones_session(String provider, String version) throws Exception {
        serve(provider, TestCerts.write(dir, "localhost", "EC", "localhost"));
        Path session = dir.resolve("session.pem");

        String first = sClient(version, "-sess_out", session.toString());
        String second = sClient(version, "-sess_in", session.toString());

        assertThat(first).contains("New, TLSv1.").contains("hello");
        assertThat(second).as(second).contains("Reused, TLSv1.").contains("hello");
    }

    @ParameterizedTest
    @ValueSource(strings = {"conscrypt", "jdk"})
    void tls_1_2_refuses_weak_suites_and_negotiates_ecdhe_with_aead(String provider) throws Exception {
        serve(provider, TestCerts.write(dir, "localhost", "EC", "localhost"));

        String weak = sClient("-tls1_2", "-cipher", "AES128-SHA");
        String cbc = sClient("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA");
        String good = sClient("-tls1_2");

        assertThat(weak).doesNotContain("hello").doesNotContain("BEGIN CERTIFICATE");
        assertThat(cbc).doesNotContain("hello");
        assertThat(good).contains("Cipher is ECDHE-ECDSA-AES").contains("GCM").contains("hello");
    }

    @ParameterizedTest
    @ValueSource(strings = {"conscrypt", "jdk"})
    void ecdsa_is_chosen_when_a_name_has_both_kinds_of_certificate(String provider) throws Exception {
        var rsa = TestCerts.write(dir, "rsa", "RSA", "localhost");
        var ec = TestCerts.write(dir, "ec", "EC", "localhost");
        serve(provider, rsa, ec);

        String tls13 = sClient("-tls1_3");
        String tls12 = sClient("-tls1_2");

        assertThat(tls13).contains("Server public key is 256 bit").contains("hello");
        assertThat(tls12).contains("Server public key is 256 bit").contains("Cipher is ECDHE-ECDSA-");
    }

    @ParameterizedTest
    @ValueSource(strings = {"conscrypt", "jdk"})
    void a_renegotiation_the_client_starts_is_refused(String provider) throws Exception {
        serve(provider, TestCerts.write(dir, "localhost", "EC", "localhost"));
        // interactive s_client (no -ign_eof): a line "R" asks for a renegotiation (TLS 1.2 only)
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
                "-servername", "localhost", "-tls1_2").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            Thread.sleep(1000);
            in.write("R\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            Thread.sleep(1000);
            in.write("GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            in.flush();
            Thread.sleep(1000);
        } catch (java.io.IOException e) {
            // s_client already gone: the server ended the connection
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(said).contains("RENEGOTIATING").doesNotContain("hello");
    }
}
