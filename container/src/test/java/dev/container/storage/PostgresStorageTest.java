package dev.container.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.container.config.StorageKey;
import dev.container.config.StorageSpec;
import dev.container.testing.Postgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL as a {@link Storage}, on a real server: the contract, secrets encrypted in the table,
 * and locks shared by two nodes (two storages) and released when the holder's session dies.
 */
class PostgresStorageTest extends StorageContract {
    @RegisterExtension
    static final Postgres postgres = new Postgres();
    static final StorageKey KEY = StorageKey.of(new byte[32], "test key");
    private static String url;
    private static PostgresStorage storage;

    @BeforeAll
    static void open() throws Exception {
        url = postgres.freshDatabase();
        storage = PostgresStorage.open(spec(url, KEY), "node-a");
    }

    @AfterAll
    static void close() {
        if (storage != null) {
            storage.close();
        }
    }

    static StorageSpec.InPostgres spec(String url, StorageKey key) {
        return new StorageSpec.InPostgres(url, Optional.of(postgres.user()), Optional.of(postgres.password()), key, 4);
    }

    @BeforeEach
    void empty() throws Exception {
        try (Connection c = postgres.admin(url); Statement s = c.createStatement()) {
            s.execute("DELETE FROM container_blobs");
        }
    }

    @Override
    Storage storage() {
        return storage;
    }

    @Test
    void a_secret_is_not_in_the_table_in_clear_and_a_blob_is() throws Exception {
        byte[] secret = "-----BEGIN PRIVATE KEY-----\nTOP SECRET KEY MATERIAL\n-----END PRIVATE KEY-----\n"
                .getBytes(StandardCharsets.US_ASCII);
        storage.putSecret("acme/ca/account.key", secret);
        storage.put("acme/ca/certificates/example.com/certificate.pem", "PUBLIC CHAIN".getBytes(StandardCharsets.US_ASCII));
        try (Connection c = postgres.admin(url); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT name, content, secret FROM container_blobs ORDER BY name")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo("acme/ca/account.key");
            assertThat(rows.getBoolean(3)).isTrue();
            String stored = new String(rows.getBytes(2), StandardCharsets.ISO_8859_1);
            assertThat(stored).doesNotContain("TOP SECRET").doesNotContain("PRIVATE KEY");
            assertThat(rows.getBytes(2)).hasSize(secret.length + SecretBox.OVERHEAD);
            rows.next();
            assertThat(rows.getBoolean(3)).isFalse();
            assertThat(new String(rows.getBytes(2), StandardCharsets.US_ASCII)).isEqualTo("PUBLIC CHAIN");
        }
    }

    @Test
    void a_node_with_another_key_cannot_read_the_secrets_and_says_why() {
        storage.putSecret("acme/ca/account.key", "key".getBytes(StandardCharsets.US_ASCII));
        byte[] other = new byte[32];
        other[0] = 1;
        try (PostgresStorage wrong = PostgresStorage.open(spec(url, StorageKey.of(other, "key-file /etc/other.key")), "node-b")) {
            assertThatThrownBy(() -> wrong.get("acme/ca/account.key")).isInstanceOf(StorageException.class)
                    .isNotInstanceOf(StorageUnavailableException.class)
                    .hasMessageContaining("cannot decrypt the secret acme/ca/account.key")
                    .hasMessageContaining("stored with another storage key")
                    .hasMessageContaining("key-file /etc/other.key")
                    .hasMessageContaining("every node needs the same key");
        }
    }

    @Test
    void a_secret_copied_under_another_name_does_not_decrypt() throws Exception {
        storage.putSecret("acme/ca/certificates/a.example/certificate.pem", "key a".getBytes(StandardCharsets.US_ASCII));
        try (Connection c = postgres.admin(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO container_blobs (name, content, secret) SELECT 'acme/ca/certificates/b.example/certificate.pem',"
                    + " content, true FROM container_blobs WHERE name = 'acme/ca/certificates/a.example/certificate.pem'");
        }
        assertThatThrownBy(() -> storage.get("acme/ca/certificates/b.example/certificate.pem"))
                .isInstanceOf(StorageException.class).hasMessageContaining("damaged, or was stored under another name");
    }

    @Test
    void a_lock_held_by_one_node_is_refused_to_another_until_released() {
        try (PostgresStorage other = PostgresStorage.open(spec(url, KEY), "node-b")) {
            Storage.Lease lease = storage.tryLock("acme/order/example.com").orElseThrow();
            assertThat(other.tryLock("acme/order/example.com")).isEmpty();
            assertThatThrownBy(() -> other.lock("acme/order/example.com", Duration.ofMillis(300)))
                    .isInstanceOf(LockTimeoutException.class);
            lease.close();
            try (Storage.Lease taken = other.tryLock("acme/order/example.com").orElseThrow()) {
                assertThat(taken.held()).isTrue();
                assertThat(storage.tryLock("acme/order/example.com")).isEmpty();
            }
        }
    }

    @Test
    void a_lock_is_released_when_the_holding_session_is_killed() throws Exception {
        try (PostgresStorage holder = PostgresStorage.open(spec(url, KEY), "node-doomed")) {
            Storage.Lease lease = holder.lock("acme/order/example.com", Duration.ofSeconds(5));
            assertThat(storage.tryLock("acme/order/example.com")).isEmpty();
            assertThat(postgres.terminate("node-doomed")).isPositive(); // as when the node's process dies
            Storage.Lease taken = storage.lock("acme/order/example.com", Duration.ofSeconds(10));
            assertThat(taken.held()).isTrue();
            assertThat(lease.held()).isFalse();
            lease.close(); // its session is gone: nothing to release, no error
            taken.close();
        }
    }

    @Test
    void a_signal_reaches_every_subscriber_of_its_topic_and_a_broken_listening_session_is_made_again()
            throws Exception {
        java.util.concurrent.BlockingQueue<String> told = new java.util.concurrent.LinkedBlockingQueue<>();
        try (PostgresStorage listening = PostgresStorage.open(spec(url, KEY), "node-listening");
             Storage.Subscription a = listening.subscribe("topic-a", () -> told.add("a"));
             Storage.Subscription b = listening.subscribe("topic-b", () -> told.add("b"))) {
            // once each on connecting: what was signalled before may have been missed
            assertThat(java.util.List.of(told.poll(10, TimeUnit.SECONDS), told.poll(10, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder("a", "b");

            storage.signal("topic-a");
            assertThat(told.poll(10, TimeUnit.SECONDS)).isEqualTo("a");
            assertThat(told.poll(300, TimeUnit.MILLISECONDS)).as("topic-b was not signalled").isNull();

            // the listening session ends (a database restart would end it): it is made again, and each
            // subscriber is run once, as the signals meanwhile were lost
            assertThat(postgres.terminate("node-listening")).isGreaterThanOrEqualTo(1);
            assertThat(java.util.List.of(told.poll(15, TimeUnit.SECONDS), told.poll(15, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder("a", "b");
            storage.signal("topic-b");
            assertThat(told.poll(10, TimeUnit.SECONDS)).isEqualTo("b");
        }
    }

    @Test
    void a_held_lock_shows_in_the_database_under_the_holding_nodes_name() throws Exception {
        try (Storage.Lease lease = storage.tryLock("acme/order/shown.example").orElseThrow();
             Connection c = postgres.admin(url); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a"
                     + " ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("node-a");
            assertThat(rows.next()).isFalse();
        }
    }

    @Test
    void a_stopped_database_fails_calls_as_unavailable_and_a_started_one_serves_them_again() throws Exception {
        storage.put("survives", "yes".getBytes(StandardCharsets.US_ASCII));
        postgres.stop();
        try {
            long began = System.nanoTime();
            assertThatThrownBy(() -> storage.get("survives")).isInstanceOf(StorageUnavailableException.class)
                    .hasMessageStartingWith("cannot read survives from " + url);
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began)).isLessThan(15);
            assertThatThrownBy(() -> storage.tryLock("x")).isInstanceOf(StorageUnavailableException.class);
        } finally {
            postgres.start();
        }
        assertThat(storage.get("survives")).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("yes"));
    }
}
