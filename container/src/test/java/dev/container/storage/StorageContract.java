package dev.container.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Storage} does, files and PostgreSQL alike: each implementation's test
 * extends this and hands it an empty storage per test ({@link #storage()}).
 */
abstract class StorageContract {
    /** An empty storage for the running test. */
    abstract Storage storage();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Optional<byte[]> b) {
        return b.map(x -> new String(x, StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void a_name_never_written_reads_as_empty() {
        assertThat(storage().get("acme/ca/account.key")).isEmpty();
        assertThat(storage().delete("acme/ca/account.key")).isFalse();
        assertThat(storage().list("")).isEmpty();
    }

    @Test
    void put_stores_and_a_second_put_replaces() {
        Storage s = storage();
        s.put("acme/http-01/token-1", bytes("first"));
        assertThat(text(s.get("acme/http-01/token-1"))).isEqualTo("first");
        s.put("acme/http-01/token-1", bytes("second, longer"));
        assertThat(text(s.get("acme/http-01/token-1"))).isEqualTo("second, longer");
        s.put("empty", new byte[0]);
        assertThat(s.get("empty")).hasValueSatisfying(b -> assertThat(b).isEmpty());
    }

    @Test
    void a_secret_reads_back_as_written_and_may_replace_a_blob_and_be_replaced_by_one() {
        Storage s = storage();
        byte[] key = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI...\n-----END PRIVATE KEY-----\n"
                .getBytes(StandardCharsets.US_ASCII);
        s.putSecret("acme/ca/account.key", key);
        assertThat(s.get("acme/ca/account.key")).hasValueSatisfying(b -> assertThat(b).isEqualTo(key));
        s.put("acme/ca/account.key", bytes("plain"));
        assertThat(text(s.get("acme/ca/account.key"))).isEqualTo("plain");
        s.putSecret("acme/ca/account.key", key);
        assertThat(s.get("acme/ca/account.key")).hasValueSatisfying(b -> assertThat(b).isEqualTo(key));
        assertThat(s.list("acme/ca/")).singleElement().satisfies(i -> assertThat(i.size()).isEqualTo(key.length));
    }

    @Test
    void delete_removes_once() {
        Storage s = storage();
        s.put("acme/tls-alpn-01/example.com", bytes("cert and key"));
        assertThat(s.delete("acme/tls-alpn-01/example.com")).isTrue();
        assertThat(s.get("acme/tls-alpn-01/example.com")).isEmpty();
        assertThat(s.delete("acme/tls-alpn-01/example.com")).isFalse();
    }

    @Test
    void list_gives_the_names_under_a_prefix_sorted_with_size_and_time() {
        Storage s = storage();
        Instant before = Instant.now().minusSeconds(2);
        s.put("acme/ca/certificates/b.example/certificate.pem", bytes("bb"));
        s.put("acme/ca/certificates/a.example/certificate.pem", bytes("a"));
        s.putSecret("acme/ca/account.key", bytes("key"));
        s.put("acme/http-01/t1", bytes("t"));
        s.put("acmex/other", bytes("x"));
        assertThat(s.list("acme/ca/certificates/")).extracting(Storage.Item::name).containsExactly(
                "acme/ca/certificates/a.example/certificate.pem", "acme/ca/certificates/b.example/certificate.pem");
        assertThat(s.list("acme/")).extracting(Storage.Item::name).containsExactly("acme/ca/account.key",
                "acme/ca/certificates/a.example/certificate.pem", "acme/ca/certificates/b.example/certificate.pem",
                "acme/http-01/t1");
        assertThat(s.list("acme")).hasSize(5);
        assertThat(s.list("")).hasSize(5);
        assertThat(s.list("acme/http")).extracting(Storage.Item::name).containsExactly("acme/http-01/t1");
        assertThat(s.list("nothing/here/")).isEmpty();
        Storage.Item b = s.list("acme/ca/certificates/b").get(0);
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.modified()).isAfter(before).isBefore(Instant.now().plusSeconds(2));
    }

    @Test
    void a_prefix_is_literal_not_a_pattern() {
        Storage s = storage();
        s.put("a_b/x", bytes("1"));
        s.put("aXb/y", bytes("2"));
        assertThat(s.list("a_b/")).extracting(Storage.Item::name).containsExactly("a_b/x");
    }

    @Test
    void names_are_relative_paths_of_plain_segments() {
        Storage s = storage();
        for (String bad : List.of("", "/etc/passwd", "../outside", "a/../../b", "a//b", "a/", ".hidden", "a/.tmp",
                "space here", "back\\slash")) {
            assertThatThrownBy(() -> s.put(bad, bytes("x"))).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.get(bad)).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class);
        }
        s.put("a.b/c_d-e+f=g@h~i/J0", bytes("ok"));
        assertThat(text(s.get("a.b/c_d-e+f=g@h~i/J0"))).isEqualTo("ok");
    }

    @Test
    void a_reader_sees_the_old_content_or_the_new_never_a_mix() throws Exception {
        Storage s = storage();
        byte[] as = new byte[256 * 1024];
        byte[] bs = new byte[256 * 1024];
        Arrays.fill(as, (byte) 'a');
        Arrays.fill(bs, (byte) 'b');
        s.put("big", as);
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 30; i++) {
                s.put("big", i % 2 == 0 ? bs : as);
            }
            writing.set(false);
        });
        int reads = 0;
        while (writing.get() || reads < 5) {
            byte[] read = s.get("big").orElseThrow(() -> new AssertionError("a reader found nothing during a put"));
            assertThat(read).hasSize(as.length);
            byte first = read[0];
            for (byte b : read) {
                if (b != first) {
                    throw new AssertionError("a reader saw a half-written blob");
                }
            }
            reads++;
        }
        writer.get(30, TimeUnit.SECONDS);
    }

    @Test
    void a_lock_is_exclusive_until_its_lease_is_closed() {
        Storage s = storage();
        Storage.Lease lease = s.tryLock("acme/order/example.com").orElseThrow();
        assertThat(lease.held()).isTrue();
        assertThat(lease.name()).isEqualTo("acme/order/example.com");
        assertThat(s.tryLock("acme/order/example.com")).isEmpty();
        try (Storage.Lease other = s.tryLock("acme/order/other.example").orElseThrow()) {
            assertThat(other.held()).isTrue();
        }
        lease.close();
        assertThat(lease.held()).isFalse();
        lease.close(); // twice: nothing
        try (Storage.Lease again = s.tryLock("acme/order/example.com").orElseThrow()) {
            assertThat(again.held()).isTrue();
        }
    }

    @Test
    void lock_waits_for_the_holder_and_gives_up_after_the_wait() throws Exception {
        Storage s = storage();
        Storage.Lease held = s.lock("jobs/renewal", Duration.ofSeconds(5));
        long began = System.nanoTime();
        assertThatThrownBy(() -> s.lock("jobs/renewal", Duration.ofMillis(300))).isInstanceOf(LockTimeoutException.class)
                .hasMessageContaining("jobs/renewal");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(250));

        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Storage.Lease> got = new AtomicReference<>();
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            waiting.countDown();
            got.set(s.lock("jobs/renewal", Duration.ofSeconds(20)));
        });
        waiting.await();
        assertThat(got.get()).isNull();
        held.close(); // the waiter takes it now
        waiter.get(20, TimeUnit.SECONDS);
        assertThat(got.get().held()).isTrue();
        assertThat(s.tryLock("jobs/renewal")).isEmpty();
        got.get().close();
    }

    @Test
    void a_lease_may_be_released_by_another_thread_than_the_one_that_took_it() throws Exception {
        Storage s = storage();
        Storage.Lease lease = s.lock("handed-over", Duration.ofSeconds(5));
        CompletableFuture.runAsync(lease::close).get(10, TimeUnit.SECONDS);
        try (Storage.Lease again = s.tryLock("handed-over").orElseThrow()) {
            assertThat(again.held()).isTrue();
        }
    }
}
