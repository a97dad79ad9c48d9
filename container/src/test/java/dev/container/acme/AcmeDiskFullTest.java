package dev.container.acme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.storage.AtomicFiles;
import dev.container.tls.KeyedCertificate;
import dev.container.tls.TestCerts;
import dev.container.testing.AcmeFixture;
import dev.container.testing.Pebble;
import dev.container.testing.SmallDisk;
import dev.container.testing.TlsProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate issued while the state directory's disk is full: served from memory at once,
 * logged once, not ordered again (the CA's rate limits), and stored once there is room.
 */
class AcmeDiskFullTest {
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

    private void await(String fragment) throws Exception {
        acme.await("'" + fragment + "' in the log", Duration.ofSeconds(30), () -> acme.logged(fragment) > 0);
    }

    @Test
    void certificate_issued_onto_a_full_disk_is_served_from_memory_and_stored_once_there_is_room() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("state"), "1m")) {
            AcmeStorage storage = new AcmeStorage(disk.dir(), pebble.directory());
            // the account exists already: what fills up is the certificate's write
            AtomicFiles.write(storage.accountKey(), KeyPem.keyPair(AcmeClient.ecKey()), true);
            Path site = Files.createDirectories(dir.resolve("site"));
            Path conf = Files.writeString(dir.resolve("c.conf"), """
                    listeners = ["127.0.0.1:%d", { host = "127.0.0.1", port = %d, tls = true }]
                    state-dir = "%s"
                    admin = off
                    hosts { a { names = ["a.test"], default = true, tls = auto } }
                    static = ["%s"]
                    acme { directory = "%s", trust = "%s", agree-terms = true, check-interval = 300ms }
                    """.formatted(pebble.httpPort(), pebble.tlsPort(), disk.dir(), site, pebble.directory(),
                    pebble.trustFile()));
            disk.fill();
            acme.container(conf);
            SSLContext trust = TestCerts.trusting(pebble.root());

            await("serving it from memory");
            X509Certificate served = TlsProbe.handshake(trust, pebble.tlsPort(), "a.test").leaf();
            assertThat(served.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly("a.test");
            Thread.sleep(1500); // five checks
            assertThat(acme.logged("ordered a certificate")).as("not ordered again").isEqualTo(1);
            assertThat(acme.logged("could not store the new certificate")).isEqualTo(1);
            assertThat(Files.exists(storage.pemFile("a.test"))).isFalse();

            disk.free();
            await("stored the certificate served from memory");
            assertThat(KeyedCertificate.read(storage.pemFile("a.test"), storage.pemFile("a.test")).leaf()).isEqualTo(served);
            assertThat(acme.logged("ordered a certificate")).isEqualTo(1);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
