package dev.container.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.zaxxer.hikari.HikariDataSource;
import dev.container.config.StorageKey;
import dev.container.config.StorageSpec;
import dev.container.testing.LogCapture;
import dev.container.testing.Postgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The nodes' heartbeats on a real PostgreSQL: every node sees every node, a clean stop removes
 * its row, a silent node is shown gone, and a database that goes away and comes back is said
 * once each way in the log, however many heartbeats fail meanwhile.
 */
class HeartbeatTest {
    @RegisterExtension
    static final Postgres postgres = new Postgres();
    private final Logger containerLog = (Logger) LoggerFactory.getLogger("container");
    private Level level;
    private String url;

    @BeforeEach
    void database() throws Exception {
        url = postgres.freshDatabase();
        level = containerLog.getLevel();
        containerLog.setLevel(Level.INFO); // the "back" line is INFO; the tests' logback config says WARN
    }

    @AfterEach
    void restoreLevel() {
        containerLog.setLevel(level);
    }

    private StorageSpec.InPostgres spec() {
        return new StorageSpec.InPostgres(url, Optional.of(postgres.user()), Optional.of(postgres.password()),
                StorageKey.of(new byte[32], "test"), 3);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void two_nodes_see_each_other_and_a_clean_stop_removes_the_row() throws Exception {
        Node a = Node.self("1.0", Instant.now());
        Node b = Node.self("1.1", Instant.now());
        StorageService first = new StorageService(spec(), a);
        StorageService second = new StorageService(spec(), b);
        try (LogCapture log = LogCapture.start()) {
            first.start();
            second.start();
            assertThat(log.messages(Level.INFO)).anySatisfy(line -> assertThat(line)
                    .startsWith("storage: postgres at " + url + " as " + postgres.user() + ", schema version 2.1 (3 migration(s) applied); node " + a.id()))
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("storage: postgres at " + url + " as " + postgres.user() + ", schema version 2.1; node " + b.id()));
            List<Heartbeat.NodeState> seenByA = first.nodes();
            assertThat(seenByA).extracting(n -> n.node().id()).containsExactlyInAnyOrder(a.id(), b.id());
            assertThat(seenByA).allSatisfy(n -> assertThat(n.alive()).isTrue());
            assertThat(seenByA).filteredOn(Heartbeat.NodeState::self).singleElement()
                    .satisfies(n -> {
                        assertThat(n.node().id()).isEqualTo(a.id());
                        assertThat(n.node().pid()).isEqualTo(ProcessHandle.current().pid());
                        assertThat(n.node().version()).isEqualTo("1.0");
                        assertThat(n.node().lastSeen()).isPresent();
                    });
            assertThat(second.nodes()).filteredOn(Heartbeat.NodeState::self).extracting(n -> n.node().id()).containsExactly(b.id());
            assertThat(first.describe()).isEqualTo("postgres at " + url + ", schema version 2.1; 2 node(s) alive");
            second.stop();
            assertThat(first.nodes()).extracting(n -> n.node().id()).containsExactly(a.id());
        } finally {
            first.stop();
            second.stop();
        }
    }

    @Test
    void a_node_that_stopped_beating_is_shown_gone() throws Exception {
        StorageService node = new StorageService(spec(), Node.self("1.0", Instant.now()));
        try {
            node.start();
            try (Connection c = postgres.admin(url); Statement s = c.createStatement()) {
                s.execute("INSERT INTO container_nodes VALUES ('deadbeef0000', 'gone-host', 42, '0.9',"
                        + " now() - interval '1 hour', now() - interval '1 minute')");
            }
            assertThat(node.nodes()).filteredOn(n -> n.node().id().equals("deadbeef0000")).singleElement()
                    .satisfies(n -> {
                        assertThat(n.alive()).isFalse();
                        assertThat(n.self()).isFalse();
                        assertThat(n.node().host()).isEqualTo("gone-host");
                    });
        } finally {
            node.stop();
        }
    }

    @Test
    void losing_the_database_is_logged_once_and_its_return_once_and_the_beats_resume() throws Exception {
        Node self = Node.self("1.0", Instant.now());
        try (PostgresStorage storage = PostgresStorage.open(spec(), self.applicationName());
             Heartbeat heartbeat = new Heartbeat(storage.dataSource(), self, "the-db", Duration.ofMillis(100));
             LogCapture log = LogCapture.start()) {
            heartbeat.start();
            assertThat(heartbeat.up()).isTrue();
            postgres.stop();
            try {
                await("the heartbeat notices", () -> !heartbeat.up());
                Instant lost = heartbeat.since();
                // several more heartbeats fail meanwhile (each waits for the pool's connect timeout at most)
                long attempts = heartbeat.attempts();
                await("three more failed heartbeats", () -> heartbeat.attempts() >= attempts + 3);
                assertThat(heartbeat.up()).isFalse();
                assertThat(heartbeat.since()).isEqualTo(lost);
                assertThat(heartbeat.lastError()).isPresent();
            } finally {
                postgres.start();
            }
            await("the heartbeat reaches the database again", heartbeat::up);
            List<String> lines = log.messages(Level.INFO).stream().filter(l -> l.startsWith("storage:")).toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).startsWith("storage: the database at the-db is unreachable (")
                    .endsWith("); the node keeps serving what it holds and tries again every 0 s");
            assertThat(lines.get(1)).matches("storage: the database at the-db is back \\(it was unreachable for \\d+ s\\)");
            assertThat(heartbeat.lastError()).isEmpty();
            assertThat(log.messages(Level.WARN)).as("warnings of the whole outage, the pool's too").hasSize(1);
            long before = heartbeat.attempts();
            await("heartbeats go on", () -> heartbeat.attempts() >= before + 2);
            try (Connection c = postgres.admin(url); Statement s = c.createStatement();
                 var rows = s.executeQuery("SELECT last_seen > now() - interval '5 seconds' FROM container_nodes WHERE id = '"
                         + self.id() + "'")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getBoolean(1)).isTrue();
            }
        }
    }
}
