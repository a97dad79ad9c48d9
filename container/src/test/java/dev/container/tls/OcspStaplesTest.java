package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.config.CertSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The background side of OCSP stapling against a real responder (OpenSSL's, {@link OcspResponder}),
 * one round at a time on a clock the test moves: what is fetched when, what is kept on disk and
 * found again, and that a responder in trouble is reported once per certificate.
 */
class OcspStaplesTest {
    @TempDir
    Path dir;

    private OcspResponder responder;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private Logger containerLog;
    private Level levelBefore;
    private final MovableClock clock = new MovableClock();

    /** A clock that stands still until moved. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @BeforeEach
    void start() throws Exception {
        responder = OcspResponder.start(dir.resolve("ca"));
        containerLog = (Logger) LoggerFactory.getLogger("container");
        levelBefore = containerLog.getLevel();
        containerLog.setLevel(Level.INFO);
        log.start();
        containerLog.addAppender(log);
    }

    @AfterEach
    void stop() {
        if (responder == null) {
            return; // openssl is missing: skipped before anything started
        }
        containerLog.detachAppender(log);
        containerLog.setLevel(levelBefore);
        responder.close();
    }

    private CertificateStore store(TestCerts.Files2... certs) {
        return new CertificateStore(List.of(certs).stream()
                .map(c -> new CertSpec(c.cert(), c.key(), Optional.empty())).toList());
    }

    private OcspStaples staples(CertificateStore store) {
        OcspStaples staples = new OcspStaples(store, dir.resolve("state/tls/ocsp"), clock, Duration.ofDays(1));
        staples.load();
        return staples;
    }

    private long logged(Level level, String fragment) {
        return List.copyOf(log.list).stream()
                .filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(fragment)).count();
    }

    @Test
    void fetches_a_response_staples_it_and_saves_it() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        OcspStaples staples = staples(store(cert));
        assertThat(staples.staple(cert.certificate())).isNull();
        assertThat(staples.any()).isFalse();

        staples.refresh();

        byte[] staple = staples.staple(cert.certificate());
        assertThat(staple).isNotNull();
        assertThat(staples.any()).isTrue();
        assertThat(OcspResponse.verify(staple, cert.certificate(), responder.ca(), clock.instant()).usable(clock.instant()))
                .isTrue();
        try (var saved = Files.list(dir.resolve("state/tls/ocsp"))) {
            assertThat(saved.toList()).singleElement()
                    .satisfies(f -> assertThat(Files.readAllBytes(f)).isEqualTo(staple));
        }
        assertThat(logged(Level.INFO, "stapling the OCSP response of " + responder.url() + " for a.test")).isEqualTo(1);
    }

    @Test
    void asks_again_only_halfway_through_the_validity() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        responder.validityMinutes(10);
        OcspStaples staples = staples(store(cert));
        staples.refresh();
        assertThat(responder.requests()).isEqualTo(1);

        clock.move(Duration.ofMinutes(4));
        staples.refresh();
        assertThat(responder.requests()).as("before halfway").isEqualTo(1);

        clock.move(Duration.ofMinutes(2));
        staples.refresh();
        assertThat(responder.requests()).as("past halfway").isEqualTo(2);
    }

    @Test
    void a_saved_response_serves_the_next_start_without_asking() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        staples(store(cert)).refresh();
        byte[] first = staples(store(cert)).staple(cert.certificate());
        responder.mode(OcspResponder.Mode.DOWN);

        OcspStaples next = staples(store(cert));

        assertThat(next.staple(cert.certificate())).isNotNull();
        assertThat(next.any()).isTrue();
        assertThat(responder.requests()).isEqualTo(1);
        assertThat(first).isNotNull();
        assertThat(logged(Level.INFO, "OCSP response for a.test read from")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void a_saved_response_out_of_date_is_deleted_at_start() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        responder.validityMinutes(5);
        staples(store(cert)).refresh();
        clock.move(Duration.ofMinutes(6));

        OcspStaples next = staples(store(cert));

        assertThat(next.staple(cert.certificate())).isNull();
        try (var saved = Files.list(dir.resolve("state/tls/ocsp"))) {
            assertThat(saved.toList()).isEmpty();
        }
    }

    @Test
    void a_responder_that_is_down_is_reported_once_and_asked_again_later() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        responder.mode(OcspResponder.Mode.DOWN);
        OcspStaples staples = staples(store(cert));

        staples.refresh();
        staples.refresh(); // before the retry time: not asked
        assertThat(responder.requests()).isEqualTo(1);
        clock.move(Duration.ofMinutes(1));
        staples.refresh();
        clock.move(Duration.ofMinutes(2));
        staples.refresh();

        assertThat(responder.requests()).isEqualTo(3);
        assertThat(staples.staple(cert.certificate())).isNull();
        assertThat(logged(Level.WARN, "no OCSP response for a.test from " + responder.url())).isEqualTo(1);
        assertThat(logged(Level.WARN, "handshakes go on without a staple")).isEqualTo(1);

        responder.mode(OcspResponder.Mode.ANSWER);
        clock.move(Duration.ofMinutes(4));
        staples.refresh();
        assertThat(staples.staple(cert.certificate())).isNotNull();
        assertThat(logged(Level.INFO, "answers again for a.test")).isEqualTo(1);
    }

    @Test
    void garbage_is_reported_once_and_not_stapled() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        responder.mode(OcspResponder.Mode.GARBAGE);
        OcspStaples staples = staples(store(cert));

        staples.refresh();
        clock.move(Duration.ofMinutes(1));
        staples.refresh();

        assertThat(responder.requests()).isEqualTo(2);
        assertThat(staples.staple(cert.certificate())).isNull();
        assertThat(logged(Level.WARN, "not an OCSP response")).isEqualTo(1);
    }

    @Test
    void a_staple_kept_while_the_responder_is_down_is_dropped_at_its_next_update() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        responder.validityMinutes(10);
        OcspStaples staples = staples(store(cert));
        staples.refresh();
        responder.mode(OcspResponder.Mode.DOWN);

        clock.move(Duration.ofMinutes(6));
        staples.refresh();
        assertThat(staples.staple(cert.certificate())).as("still valid").isNotNull();
        assertThat(logged(Level.WARN, "the response it gave before is stapled until")).isEqualTo(1);

        clock.move(Duration.ofMinutes(5));
        assertThat(staples.staple(cert.certificate())).as("past nextUpdate").isNull();
    }

    @Test
    void a_revoked_certificate_is_not_stapled_and_said_to_be_revoked() throws Exception {
        var cert = responder.issue("a", "EC", true, "a.test");
        responder.revoke(cert.certificate());
        OcspStaples staples = staples(store(cert));

        staples.refresh();

        assertThat(staples.staple(cert.certificate())).isNull();
        assertThat(logged(Level.ERROR, "says the certificate for a.test is revoked")).isEqualTo(1);
    }

    @Test
    void certificates_without_a_responder_or_an_issuer_are_not_asked_about() throws Exception {
        var noUrl = responder.issue("n", "EC", false, "n.test");
        var self = TestCerts.write(dir, "self", "EC", "self.test");
        var withUrl = responder.issue("u", "EC", true, "u.test");
        // the leaf alone, without the CA after it: no issuer to build the request with
        Path leafOnly = dir.resolve("leaf-only.crt");
        String pem = Files.readString(withUrl.cert());
        Files.writeString(leafOnly, pem.substring(0, pem.indexOf("-----END CERTIFICATE-----") + 26));
        var lonely = new TestCerts.Files2(leafOnly, withUrl.key(), withUrl.certificate());
        OcspStaples staples = staples(store(noUrl, self, lonely));

        staples.refresh();
        staples.refresh();

        assertThat(responder.requests()).isZero();
        assertThat(staples.any()).isFalse();
        assertThat(logged(Level.WARN, "names an OCSP responder but its file (" + leafOnly + ") has no issuer")).isEqualTo(1);
    }

    @Test
    void a_responder_that_is_down_is_asked_once_per_round_not_once_per_certificate() throws Exception {
        var a = responder.issue("a", "EC", true, "a.test");
        var b = responder.issue("b", "EC", true, "b.test");
        responder.mode(OcspResponder.Mode.DOWN);
        OcspStaples staples = staples(store(a, b));

        staples.refresh();

        assertThat(responder.requests()).isEqualTo(1);
        assertThat(logged(Level.WARN, "no OCSP response for a.test")).isEqualTo(1);
        assertThat(logged(Level.WARN, "no OCSP response for b.test")).isEqualTo(1);
        responder.mode(OcspResponder.Mode.ANSWER);
        clock.move(Duration.ofMinutes(1));
        staples.refresh();
        assertThat(staples.staple(a.certificate())).isNotNull();
        assertThat(staples.staple(b.certificate())).isNotNull();
    }

    @Test
    void a_certificate_installed_while_running_is_stapled_without_waiting_for_the_next_round() throws Exception {
        var first = responder.issue("a", "EC", true, "a.test");
        var later = responder.issue("b", "EC", true, "b.test");
        CertificateStore store = store(first);
        // a round a day: only the store's change can bring the new certificate's response in time
        OcspStaples staples = new OcspStaples(store, dir.resolve("state/tls/ocsp"), Clock.systemUTC(), Duration.ofDays(1));
        try {
            staples.start();
            awaitStaple(staples, first); // the first round is over
            store.install("b.test", KeyedCertificate.read(later.cert(), later.key()));

            awaitStaple(staples, later);

            assertThat(staples.staple(later.certificate())).isNotNull();
            assertThat(responder.requests()).isEqualTo(2);
        } finally {
            staples.close();
        }
    }

    private static void awaitStaple(OcspStaples staples, TestCerts.Files2 cert) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (staples.staple(cert.certificate()) == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
