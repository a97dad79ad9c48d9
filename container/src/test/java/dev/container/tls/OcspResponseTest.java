package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks an OCSP response passes before it is stapled, on responses made by OpenSSL's
 * responder ({@link OcspResponder}) from requests that {@link OcspResponse#request} builds.
 */
class OcspResponseTest {
    @TempDir
    Path dir;

    private OcspResponder responder;

    @BeforeEach
    void start() throws Exception {
        responder = OcspResponder.start(dir.resolve("ca"));
    }

    @AfterEach
    void stop() {
        if (responder != null) { // null when openssl is missing and the test was skipped
            responder.close();
        }
    }

    private byte[] answerFor(X509Certificate certificate) throws Exception {
        return responder.respond(OcspResponse.request(certificate, responder.ca()));
    }

    @Test
    void reads_the_responder_url_from_the_certificate() throws Exception {
        var withUrl = responder.issue("a", "EC", true, "a.test");
        var without = responder.issue("b", "EC", false, "b.test");

        assertThat(OcspResponse.responder(withUrl.certificate())).contains(responder.url());
        assertThat(OcspResponse.responder(without.certificate())).isEmpty();
    }

    @Test
    void a_good_answer_signed_by_the_issuer_is_taken_and_refreshed_halfway() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        responder.validityMinutes(60);
        byte[] der = answerFor(cert.certificate());

        OcspResponse response = OcspResponse.verify(der, cert.certificate(), responder.ca(), Instant.now());

        assertThat(response.der()).isEqualTo(der);
        assertThat(Duration.between(response.thisUpdate(), response.nextUpdate())).isEqualTo(Duration.ofMinutes(60));
        assertThat(response.refreshAt()).isEqualTo(response.thisUpdate().plus(Duration.ofMinutes(30)));
        assertThat(response.usable(Instant.now())).isTrue();
        assertThat(response.usable(response.nextUpdate())).isFalse();
    }

    @Test
    void a_responder_the_issuer_authorized_may_sign() throws Exception {
        var cert = responder.issue("a", "RSA", true, "a.test");
        responder.delegate();

        OcspResponse response = OcspResponse.verify(answerFor(cert.certificate()), cert.certificate(), responder.ca(),
                Instant.now());

        assertThat(response.usable(Instant.now())).isTrue();
    }

    @Test
    void a_response_signed_by_anyone_else_is_refused() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        responder.impostor();

        assertThatThrownBy(() -> OcspResponse.verify(answerFor(cert.certificate()), cert.certificate(), responder.ca(),
                Instant.now()))
                .isInstanceOf(OcspResponse.Refused.class)
                .hasMessageContaining("not signed by the certificate's issuer");
    }

    @Test
    void a_revoked_certificate_is_refused_as_revoked() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        responder.revoke(cert.certificate());

        assertThatThrownBy(() -> OcspResponse.verify(answerFor(cert.certificate()), cert.certificate(), responder.ca(),
                Instant.now()))
                .isInstanceOfSatisfying(OcspResponse.Refused.class, e -> assertThat(e.revoked()).isTrue())
                .hasMessageContaining("REVOKED");
    }

    @Test
    void a_certificate_the_responder_does_not_know_is_refused() throws Exception {
        // issued by another CA with the same name: the responder's index has no such serial
        OcspResponder other = OcspResponder.start(dir.resolve("other"));
        try {
            var stranger = other.issue("s", "EC", true, "s.test");
            byte[] der = responder.respond(OcspResponse.request(stranger.certificate(), responder.ca()));

            assertThatThrownBy(() -> OcspResponse.verify(der, stranger.certificate(), responder.ca(), Instant.now()))
                    .isInstanceOf(OcspResponse.Refused.class)
                    .hasMessageContaining("unknown");
        } finally {
            other.close();
        }
    }

    @Test
    void an_answer_about_another_certificate_is_refused() throws Exception {
        var a = responder.issue("a", "EC", true, "a.test");
        var b = responder.issue("b", "EC", true, "b.test");

        assertThatThrownBy(() -> OcspResponse.verify(answerFor(a.certificate()), b.certificate(), responder.ca(),
                Instant.now()))
                .isInstanceOf(OcspResponse.Refused.class)
                .hasMessageContaining("another certificate");
    }

    @Test
    void an_answer_past_its_next_update_is_refused() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        responder.validityMinutes(5);
        byte[] der = answerFor(cert.certificate());

        assertThatThrownBy(() -> OcspResponse.verify(der, cert.certificate(), responder.ca(),
                Instant.now().plus(Duration.ofMinutes(6))))
                .isInstanceOf(OcspResponse.Refused.class)
                .hasMessageContaining("out of date");
        assertThat(OcspResponse.stillValid(der, Instant.now())).isTrue();
        assertThat(OcspResponse.stillValid(der, Instant.now().plus(Duration.ofMinutes(6)))).isFalse();
    }

    @Test
    void an_answer_without_next_update_is_used_for_an_hour() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        responder.validityMinutes(0);

        OcspResponse response = OcspResponse.verify(answerFor(cert.certificate()), cert.certificate(), responder.ca(),
                Instant.now());

        assertThat(response.nextUpdate()).isEqualTo(response.thisUpdate().plus(OcspResponse.WITHOUT_NEXT_UPDATE));
    }

    @Test
    void garbage_is_refused() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");

        assertThatThrownBy(() -> OcspResponse.verify("<html>oops</html>".getBytes(StandardCharsets.US_ASCII),
                cert.certificate(), responder.ca(), Instant.now()))
                .isInstanceOf(OcspResponse.Refused.class)
                .hasMessageContaining("not an OCSP response");
        assertThat(OcspResponse.stillValid(new byte[] {1, 2, 3}, Instant.now())).isFalse();
    }

    @Test
    void refresh_comes_halfway_through_the_validity() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");

        assertThat(OcspResponse.refreshAt(start, start.plus(Duration.ofDays(7))))
                .isEqualTo(Instant.parse("2026-01-04T12:00:00Z"));
    }
}
