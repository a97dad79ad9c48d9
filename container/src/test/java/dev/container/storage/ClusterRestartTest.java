package dev.container.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.container.testing.Postgres;
import dev.container.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster node survives a PostgreSQL restart: while the database is down it keeps serving, its
 * storage calls fail as unavailable and its status says so; once the database is back everything
 * resumes by itself (the same pool, the heartbeats), with no restart of the node.
 */
class ClusterRestartTest {
    @RegisterExtension
    static final Postgres postgres = new Postgres();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void a_node_keeps_serving_through_a_database_restart_and_resumes_by_itself() throws Exception {
        String url = postgres.freshDatabase();
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "served");
        Files.writeString(dir.resolve("storage.key"), Base64.getEncoder().encodeToString(new byte[32]));
        Path conf = Files.writeString(dir.resolve("container.conf"), """
                listeners = [{ host = 127.0.0.1, port = 0 }]
                state-dir = state
                static = [site]
                storage { type = postgres, url = "%s", user = %s, password = "%s", key-file = storage.key }
                """.formatted(url, postgres.user(), postgres.password()));
        try (TestServer node = TestServer.startConfig(conf)) {
            StorageService service = node.container().storageService().orElseThrow();
            Storage storage = node.container().storage();
            storage.putSecret("acme/ca/account.key", "key".getBytes(StandardCharsets.US_ASCII));

            postgres.stop();
            try {
                await("the node notices", () -> !service.reachable());
                assertThat(get(node)).isEqualTo("served");
                assertThatThrownBy(() -> storage.get("acme/ca/account.key")).isInstanceOf(StorageUnavailableException.class);
                assertThat(service.describe()).startsWith("postgres at " + url + ": unreachable since ");
            } finally {
                postgres.start();
            }
            await("the node reaches the database again", service::reachable);
            assertThat(storage.get("acme/ca/account.key")).hasValueSatisfying(
                    b -> assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("key"));
            assertThat(service.nodes()).singleElement().satisfies(n -> assertThat(n.alive()).isTrue());
            assertThat(get(node)).isEqualTo("served");
        }
    }

    private static String get(TestServer node) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(node.uri("/index.html")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
