package dev.container.tls;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.config.CertSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The local CA after a process was killed while writing it. Each file is written whole or not at
 * all (AtomicFiles), but a key and its certificate are two files: a kill between the two writes
 * leaves a new key beside an old certificate, or beside none, and a half-written temporary file.
 * The next start must come up with a working pair, never refuse to start or serve a mismatch.
 */
class LocalCaCrashTest {
    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("container");

    @BeforeEach
    void watch() {
        logger.addAppender(log);
        log.start();
    }

    @AfterEach
    void unwatch() {
        logger.detachAppender(log);
    }

    private Path local(Path state) {
        return state.resolve("tls/local");
    }

    /** The served pair reads (the key belongs to the certificate) and the leaf is signed by the CA on disk. */
    private void assertWorking(Path state, CertSpec spec) throws Exception {
        KeyedCertificate leaf = KeyedCertificate.read(spec.cert(), spec.key());
        KeyedCertificate ca = KeyedCertificate.read(local(state).resolve("ca.crt"), local(state).resolve("ca.key"));
        leaf.leaf().verify(ca.leaf().getPublicKey());
    }

    @Test
    void ca_key_written_but_not_its_certificate_makes_a_whole_new_ca() throws Exception {
        Path state = dir.resolve("state");
        LocalCa.in(state).certificateFor(List.of());
        Files.delete(local(state).resolve("ca.crt")); // killed after ca.key, before ca.crt

        CertSpec spec = LocalCa.in(state).certificateFor(List.of());

        assertWorking(state, spec);
    }

    @Test
    void new_ca_key_beside_an_old_certificate_makes_a_new_ca_with_a_warning() throws Exception {
        Path state = dir.resolve("state");
        LocalCa.in(state).certificateFor(List.of());
        LocalCa.in(dir.resolve("other")).certificateFor(List.of());
        Files.copy(local(dir.resolve("other")).resolve("ca.key"), local(state).resolve("ca.key"),
                StandardCopyOption.REPLACE_EXISTING);

        CertSpec spec = LocalCa.in(state).certificateFor(List.of());

        assertWorking(state, spec);
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.startsWith("TLS: the local CA in " + local(state) + " does not read (")
                        && m.endsWith("making a new one, which must be trusted again"));
    }

    @Test
    void new_server_key_beside_the_old_server_certificate_is_issued_again() throws Exception {
        Path state = dir.resolve("state");
        CertSpec first = LocalCa.in(state).certificateFor(List.of());
        // another state's server key: what a kill after the key's write and before the certificate's leaves
        CertSpec other = LocalCa.in(dir.resolve("other")).certificateFor(List.of());
        Files.copy(other.key(), first.key(), StandardCopyOption.REPLACE_EXISTING);
        var before = Files.readString(first.cert());

        CertSpec spec = LocalCa.in(state).certificateFor(List.of());

        assertWorking(state, spec);
        assertThat(Files.readString(spec.cert())).isNotEqualTo(before);
    }

    @Test
    void half_written_temporary_files_beside_a_whole_ca_are_never_read() throws Exception {
        Path state = dir.resolve("state");
        CertSpec first = LocalCa.in(state).certificateFor(List.of());
        String cert = Files.readString(first.cert());
        Files.writeString(local(state).resolve(".ca.key8120371.tmp"), "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49");
        Files.writeString(local(state).resolve(".localhost.crt99.tmp"), cert.substring(0, cert.length() / 2));

        CertSpec spec = LocalCa.in(state).certificateFor(List.of());

        assertWorking(state, spec);
        assertThat(Files.readString(spec.cert())).as("the whole files are used as they are").isEqualTo(cert);
    }
}
