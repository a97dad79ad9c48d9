package dev.container.acme;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.container.Container;
import dev.container.config.ConfigFile;
import dev.container.storage.AtomicFiles;
import dev.container.tls.KeyedCertificate;
import dev.container.tls.TestCerts;
import dev.container.testing.SmallDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A certificate issued while the state directory's disk is full: served from memory at once,
 * logged once, not ordered again (the CA's rate limits), and stored once there is room.
 */
class AcmeDiskFullTest {
    @TempDir
    Path dir;
    private Pebble pebble;
    private Container container;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger containerLog = (Logger) LoggerFactory.getLogger("container");

    @BeforeEach
    void setUp() throws Exception {
        Pebble.assumeInstalled();
        pebble = new Pebble(dir.resolve("pebble"), Pebble.freePort(), Pebble.freePort()).start();
        containerLog.setLevel(Level.INFO);
        log.start();
        containerLog.addAppender(log);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (container != null) {
            container.close();
        }
        containerLog.detachAppender(log);
        containerLog.setLevel(null);
        if (pebble != null) {
            pebble.close();
        }
    }

    private long logged(String fragment) {
        return List.copyOf(log.list).stream().filter(e -> e.getFormattedMessage().contains(fragment)).count();
    }

    private void await(String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (logged(fragment) == 0) {
            assertThat(System.nanoTime()).as("waiting for '%s' in the log:\n%s%s", fragment, log.list, pebble.logs())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
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
            container = Container.start(ConfigFile.load(conf));
            SSLContext trust = TestCerts.trusting(pebble.root());

            await("serving it from memory");
            X509Certificate served = TlsProbe.handshake(trust, pebble.tlsPort(), "a.test").leaf();
            assertThat(served.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly("a.test");
            Thread.sleep(1500); // five checks
            assertThat(logged("ordered a certificate")).as("not ordered again").isEqualTo(1);
            assertThat(logged("could not store the new certificate")).isEqualTo(1);
            assertThat(Files.exists(storage.pemFile("a.test"))).isFalse();

            disk.free();
            await("stored the certificate served from memory");
            assertThat(KeyedCertificate.read(storage.pemFile("a.test"), storage.pemFile("a.test")).leaf()).isEqualTo(served);
            assertThat(logged("ordered a certificate")).isEqualTo(1);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
