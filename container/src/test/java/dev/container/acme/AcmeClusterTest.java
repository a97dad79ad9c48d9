package dev.container.acme;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.container.Container;
import dev.container.config.StorageKey;
import dev.container.config.StorageSpec;
import dev.container.storage.PostgresStorage;
import dev.container.storage.Storage;
import dev.container.testing.AcmeFixture;
import dev.container.testing.Pebble;
import dev.container.testing.Postgres;
import dev.container.testing.TlsProbe;
import dev.container.tls.TestCerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACME in a cluster: two nodes (two containers in this process) sharing one real PostgreSQL
 * ({@code storage { type = postgres }}) and one real CA (Pebble) for the same name. Pebble
 * validates on node B's ports; node A orders (B finds the order lock taken): so B answers the
 * http-01 challenge from the token A stored, Pebble issues exactly once, and both serve the
 * certificate. A renewal on A installs on both; with the database stopped both keep serving
 * and say so once, and go on when it is back.
 */
class AcmeClusterTest {
    @RegisterExtension
    static final Postgres postgres = new Postgres();
    /** The nodes' sync interval (CertificateManager.SYNC_INTERVAL) and some slack: "within a minute". */
    private static final Duration INSTALL_DEADLINE = CertificateManager.SYNC_INTERVAL.plusSeconds(25);

    @TempDir
    Path dir;

    private AcmeFixture acme;
    private Pebble pebble;
    private String url;
    private Path keyFile;
    private final byte[] key = new byte[32];

    @BeforeEach
    void setUp() throws Exception {
        Postgres.assumeInstalled();
        acme = AcmeFixture.start(dir);
        pebble = acme.pebble();
        url = postgres.freshDatabase();
        keyFile = dir.resolve("storage.key");
        new java.security.SecureRandom().nextBytes(key);
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + "\n");
        Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (acme != null) {
            acme.close();
        }
        postgres.start(); // a test that stopped it left it so only when it failed
    }

    /** A node with a.test on tls = auto over http-01, its state in the shared database, on these ports. */
    private Path config(String node, int httpPort, int httpsPort) throws IOException {
        return config(node, httpPort, httpsPort, "http-01");
    }

    /** A node with a.test on tls = auto over that challenge, its state in the shared database, on these ports. */
    private Path config(String node, int httpPort, int httpsPort, String challenge) throws IOException {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "hello from the cluster\n");
        Path file = dir.resolve(node + ".conf");
        Files.writeString(file, """
                listeners = ["127.0.0.1:%d", { host = "127.0.0.1", port = %d, tls = true }]
                state-dir = "%s"
                hosts {
                  h0 { names = ["a.test"], default = true, tls = auto }
                }
                static = [{ dir = "%s", hosts = [h0] }]
                storage {
                  type = postgres
                  url = "%s"
                  user = "%s"
                  password = "%s"
                  key-file = "%s"
                }
                acme {
                  directory = "%s"
                  trust = "%s"
                  email = "test@example.com"
                  agree-terms = true
                  check-interval = 500ms
                  challenge = %s
                }
                """.formatted(httpPort, httpsPort, dir.resolve("state-" + node), site, url, postgres.user(),
                postgres.password(), keyFile, pebble.directory(), pebble.trustFile(), challenge));
        return file;
    }

    private Container start(Path config) {
        return acme.container(config);
    }

    /** Starts a node while the order lock of a.test is held (by the test): it leaves the order to the holder. */
    private Container startWhileTheOrderLockIsHeld(PostgresStorage shared, Path config) throws Exception {
        AcmeStorage names = new AcmeStorage(shared, dir, pebble.directory());
        try (Storage.Lease held = shared.tryLock(names.orderLock("a.test")).orElseThrow()) {
            Container node = start(config);
            await("the node finding the order lock taken", Duration.ofSeconds(10),
                    () -> logged("a.test: another node is ordering its certificate") == 1);
            return node;
        }
    }

    /** The test's own view of the shared storage (a third "node"), for the lock and the rows. */
    private PostgresStorage storage() throws Exception {
        return PostgresStorage.open(new StorageSpec.InPostgres(url, Optional.of(postgres.user()),
                Optional.of(postgres.password()), StorageKey.of(key, "test"), 2), "test");
    }

    @Test
    void one_order_for_two_nodes_the_other_node_answers_the_challenge_renewals_install_on_both() throws Exception {
        int aHttp = Pebble.freePort();
        int aHttps = Pebble.freePort();
        AcmeStorage names;
        try (PostgresStorage shared = storage()) {
            names = new AcmeStorage(shared, dir, pebble.directory());
            startWhileTheOrderLockIsHeld(shared, config("b", pebble.httpPort(), pebble.tlsPort()));
            // A orders (B looks again only after its sync interval); Pebble validates on B's port 80
            start(config("a", aHttp, aHttps));
            SSLContext trust = TestCerts.trusting(pebble.root());

            X509Certificate onA = orderedOnceServedByBoth(trust, aHttps);
            assertThat(logged("http-01 challenge for a.test passed")).as("B answered A's challenge").isEqualTo(1);
            assertThat(logged("installed the certificate another node stored")).isEqualTo(1);
            assertThat(TlsProbe.get(trust, pebble.tlsPort(), "a.test", "/index.html")).isEqualTo(200);
            assertThat(TlsProbe.get(trust, aHttps, "a.test", "/index.html")).isEqualTo(200);
            // the key is encrypted at rest; the tokens were removed once answered
            try (Connection c = postgres.admin(url); Statement s = c.createStatement();
                 ResultSet rows = s.executeQuery("SELECT name, content, secret FROM container_blobs ORDER BY name")) {
                List<String> stored = new ArrayList<>();
                while (rows.next()) {
                    stored.add(rows.getString(1));
                    if (rows.getString(1).endsWith(".pem") || rows.getString(1).endsWith(".key")) {
                        assertThat(rows.getBoolean(3)).as(rows.getString(1) + " is a secret").isTrue();
                        assertThat(new String(rows.getBytes(2), StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
                    }
                }
                assertThat(stored).containsExactly(names.accountKeyName(), names.certificateName("a.test"));
            }
            assertThat(Files.exists(dir.resolve("state-a").resolve("acme"))).as("nothing of ACME in the state dir").isFalse();

            // a renewal asked of A: ordered once more, installed on both
            dev.container.admin.AdminClient.forStateDir(dir.resolve("state-a")).post("certificates/a.test/renew");
            X509Certificate renewedOnA = awaitCertificate(trust, aHttps, onA, Duration.ofSeconds(30));
            X509Certificate renewedOnB = awaitCertificate(trust, pebble.tlsPort(), onA, INSTALL_DEADLINE);
            assertThat(renewedOnB).isEqualTo(renewedOnA);
            assertThat(pebble.issued()).isEqualTo(2);
            assertThat(logged("http-01 challenge for a.test passed")).isEqualTo(2);

            // the database goes away: both keep serving; the storage says so once per node, and once when it
            // is back, and ACME adds no line of its own (its sync fails meanwhile)
            acme.level(Level.DEBUG); // to see acme-sync meet the outage, which it says at debug level only
            postgres.stop();
            await("both nodes noticing the database is gone", INSTALL_DEADLINE.plusSeconds(30),
                    () -> storageLines("is unreachable") == 2);
            await("acme-sync on both nodes meeting the outage", INSTALL_DEADLINE.plusSeconds(30),
                    () -> logged("acme: cannot reach") == 2);
            assertThat(TlsProbe.handshake(trust, aHttps, "a.test").leaf()).isEqualTo(renewedOnA);
            assertThat(TlsProbe.handshake(trust, pebble.tlsPort(), "a.test").leaf()).isEqualTo(renewedOnA);
            postgres.start();
            await("both nodes finding the database back", INSTALL_DEADLINE.plusSeconds(30),
                    () -> storageLines("is back (it was unreachable") == 2);
            assertThat(storageLines("is unreachable")).as("one line per node").isEqualTo(2);
            assertThat(acmeLines(Level.INFO).filter(m -> m.contains("reach") || m.contains("database"))).isEmpty();
            assertThat(pebble.issued()).isEqualTo(2);
        }
    }

    @Test
    void a_node_that_dies_holding_the_order_lock_releases_it_and_another_node_orders() throws Exception {
        PostgresStorage holder = storage(); // "test" sessions: the node that will die
        try {
            AcmeStorage names = new AcmeStorage(holder, dir, pebble.directory());
            Storage.Lease held = holder.tryLock(names.orderLock("a.test")).orElseThrow();
            start(config("b", pebble.httpPort(), pebble.tlsPort()));
            await("B finding the order lock taken", Duration.ofSeconds(10),
                    () -> logged("a.test: another node is ordering its certificate") == 1);

            // the holder dies without a word: its database sessions end, and its lock with them
            assertThat(postgres.terminate("test")).isGreaterThanOrEqualTo(1);
            assertThat(held.held()).isFalse();

            SSLContext trust = TestCerts.trusting(pebble.root());
            X509Certificate onB = awaitCertificate(trust, pebble.tlsPort(), null, INSTALL_DEADLINE);
            assertThat(onB.getSubjectAlternativeNames()).extracting(n -> (Object) n.get(1)).containsExactly("a.test");
            assertThat(pebble.issued()).isEqualTo(1);
            assertThat(logged("ordered a certificate for a.test")).isEqualTo(1);
        } finally {
            holder.close();
        }
    }

    @Test
    void the_node_that_did_not_order_answers_the_tls_alpn01_validation_and_both_serve_the_certificate()
            throws Exception {
        int aHttp = Pebble.freePort();
        int aHttps = Pebble.freePort();
        try (PostgresStorage shared = storage()) {
            // B leaves the order to A, and Pebble validates on B's port 443
            startWhileTheOrderLockIsHeld(shared, config("b", pebble.httpPort(), pebble.tlsPort(), "tls-alpn-01"));
            start(config("a", aHttp, aHttps, "tls-alpn-01"));
            SSLContext trust = TestCerts.trusting(pebble.root());

            orderedOnceServedByBoth(trust, aHttps);
            assertThat(logged("a.test: answering tls-alpn-01 with the challenge certificate another node published"))
                    .as("B loaded A's challenge certificate").isEqualTo(1);
            assertThat(logged("the tls-alpn-01 challenge certificate for a.test is served by every node (1 other(s))"))
                    .isEqualTo(1);
            assertThat(logged("tls-alpn-01 challenge for a.test passed")).as("B answered A's challenge").isEqualTo(1);
            assertThat(logged("http-01")).isZero();
            assertThat(TlsProbe.get(trust, pebble.tlsPort(), "a.test", "/index.html")).isEqualTo(200);
            // the challenge certificate is withdrawn once answered, B's word that it served it too
            await("the challenge gone from the storage", Duration.ofSeconds(10),
                    () -> shared.list(SharedChallenges.CERTIFICATES).isEmpty()
                            && shared.list(SharedChallenges.LOADED).isEmpty());
        }
    }

    @Test
    void a_node_that_loses_the_order_lock_mid_order_stops_before_finalizing_and_the_other_node_orders()
            throws Exception {
        int bHttp = Pebble.freePort();
        int aHttp = Pebble.freePort();
        int aHttps = Pebble.freePort();
        List<List<String>> lockHolders = new java.util.concurrent.CopyOnWriteArrayList<>();
        Container[] a = new Container[1];
        // Pebble's http-01 validations reach B through this relay, which holds the first one while the
        // database ends the session of A's order lock (as a database restart would)
        try (PostgresStorage shared = storage();
             ValidationProxy relay = new ValidationProxy(pebble.httpPort(), bHttp, n -> {
                 lockHolders.add(advisoryLockHolders());
                 if (n == 1) {
                     terminateLockSession(a[0].storageService().orElseThrow().self().applicationName());
                 }
             })) {
            Container b = startWhileTheOrderLockIsHeld(shared, config("b", bHttp, pebble.tlsPort()));
            a[0] = start(config("a", aHttp, aHttps));
            String nodeA = a[0].storageService().orElseThrow().self().applicationName();
            String nodeB = b.storageService().orElseThrow().self().applicationName();
            SSLContext trust = TestCerts.trusting(pebble.root());

            X509Certificate onB = awaitCertificate(trust, pebble.tlsPort(), null, INSTALL_DEADLINE.plusSeconds(30));
            X509Certificate onA = awaitCertificate(trust, aHttps, null, INSTALL_DEADLINE);

            assertThat(logged("a.test: lost the order lock (its database session ended) before finalizing the order"))
                    .as(logLines()).isEqualTo(1);
            // Pebble validates from several connections at once: the first of A's order's saw A hold the lock
            assertThat(lockHolders.stream().filter(h -> !h.isEmpty()).distinct())
                    .as("who held the order lock at the validations").containsExactly(List.of(nodeA), List.of(nodeB));
            assertThat(pebble.issued()).as("orders Pebble issued").isEqualTo(1);
            assertThat(finalizations()).as("orders finalized at Pebble").isEqualTo(1);
            assertThat(logged("http-01 challenge for a.test passed")).isEqualTo(2);
            assertThat(onA).isEqualTo(onB);
            assertThat(logged("installed the certificate another node stored")).as("on A").isEqualTo(1);
        }
    }

    /** The application names (nodes) of the sessions holding advisory locks in the test's database now. */
    private List<String> advisoryLockHolders() {
        try (Connection c = postgres.admin(url); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                        + " WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()"
                        + " ORDER BY 1")) {
            List<String> holders = new ArrayList<>();
            while (rows.next()) {
                holders.add(rows.getString(1));
            }
            return holders;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ends the session in which the node named applicationName holds an advisory lock (its other sessions live on). */
    private void terminateLockSession(String applicationName) {
        try (Connection c = postgres.admin(url); var s = c.prepareStatement(
                "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                        + " WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()"
                        + " AND a.application_name = ?")) {
            s.setString(1, applicationName);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                assertThat(rows.getInt(1)).as("lock sessions of " + applicationName + " ended").isEqualTo(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many finalize requests Pebble's log shows. */
    private long finalizations() throws IOException {
        return pebble.log().lines().filter(l -> l.contains("POST /finalize-order/")).count();
    }

    /** How many of the storage's lines about the database (its heartbeat's) contain fragment. */
    private long storageLines(String fragment) {
        return acme.events().stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("storage: the database at") && m.contains(fragment)).count();
    }

    /** What the acme part logged at level or above. */
    private java.util.stream.Stream<String> acmeLines(Level level) {
        return acme.events().stream().filter(e -> e.getLevel().isGreaterOrEqual(level))
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("acme:"));
    }

    /** A's certificate once B (Pebble's ports) serves the same: ordered once, issued once. */
    private X509Certificate orderedOnceServedByBoth(SSLContext trust, int aHttps) throws Exception {
        X509Certificate onA = awaitCertificate(trust, aHttps, null, Duration.ofSeconds(30));
        X509Certificate onB = awaitCertificate(trust, pebble.tlsPort(), null, INSTALL_DEADLINE);
        assertThat(onB).isEqualTo(onA);
        assertThat(pebble.issued()).as("orders Pebble issued").isEqualTo(1);
        assertThat(logged("ordered a certificate for a.test")).isEqualTo(1);
        return onA;
    }

    private X509Certificate awaitCertificate(SSLContext trust, int port, X509Certificate other, Duration limit)
            throws Exception {
        return acme.awaitCertificate(trust, port, "a.test", other, limit);
    }

    private long logged(String fragment) {
        return acme.logged(fragment);
    }

    private String logLines() {
        return acme.logLines();
    }

    private void await(String what, Duration limit, BooleanSupplier condition) throws Exception {
        acme.await(what, limit, condition);
    }
}
