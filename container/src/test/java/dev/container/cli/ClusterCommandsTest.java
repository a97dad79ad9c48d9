package dev.container.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.container.testing.Postgres;
import dev.container.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container node on a real PostgreSQL ({@code storage { type = postgres }}): {@code container
 * validate} connects and tells the schema's version or exactly why it cannot; a running node
 * shows the cluster's nodes in {@code GET /status} and {@code container status}.
 */
class ClusterCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final Postgres postgres = new Postgres();

    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
    }

    private static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = ContainerCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    /** A node's config file in dir/name, on the database at url, logging in with password. */
    private Path node(String name, String url, String password) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        Path key = dir.resolve("storage.key");
        if (!Files.exists(key)) {
            Files.writeString(key, Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        }
        return Files.writeString(home.resolve("container.conf"), """
                listeners = [{ host = 127.0.0.1, port = 0 }]
                state-dir = state
                storage {
                  type = postgres
                  url = "%s"
                  user = %s
                  password = "%s"
                  key-file = ../storage.key
                }
                """.formatted(url, postgres.user(), password));
    }

    @Test
    void validate_connects_and_says_the_schema_is_not_there_yet_then_its_version() throws Exception {
        String url = postgres.freshDatabase();
        Path conf = node("a", url, postgres.password());
        Result fresh = cli("validate", conf.toString());
        assertThat(fresh.status()).as(fresh.err()).isZero();
        assertThat(fresh.out()).contains("storage: postgres at " + url + " as container: connected (PostgreSQL 1")
                .contains("no schema yet: the server makes it (version 2.1) at its first start");
        try (TestServer node = TestServer.startConfig(conf)) {
            node.container().storage().putSecret("acme/ca/account.key", new byte[] {1, 2, 3});
        }
        Result migrated = cli("validate", conf.toString());
        assertThat(migrated.status()).as(migrated.err()).isZero();
        assertThat(migrated.out()).contains("schema version 2.1 (up to date); the storage key (key-file "
                + dir.resolve("storage.key") + ") opens the stored secrets");
    }

    @Test
    void validate_says_exactly_why_it_cannot_connect_without_showing_the_password() throws Exception {
        String url = postgres.freshDatabase();
        Result wrongPassword = cli("validate", node("a", url, "not-the-password").toString());
        assertThat(wrongPassword.status()).isEqualTo(2);
        assertThat(wrongPassword.err()).isEqualTo(dir.resolve("a/container.conf") + ": storage: cannot connect to " + url
                + " as container: FATAL: password authentication failed for user \"container\"\n1 problem\n")
                .doesNotContain("not-the-password");

        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String nobody = "jdbc:postgresql://127.0.0.1:" + closed + "/container?password=inurl";
        Result refused = cli("validate", node("b", nobody, postgres.password()).toString());
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).startsWith(dir.resolve("b/container.conf") + ": storage: cannot connect to"
                + " jdbc:postgresql://127.0.0.1:" + closed + "/container?password=*** as container: Connection to 127.0.0.1:"
                + closed + " refused").doesNotContain("inurl");

        Result unknownHost = cli("validate", node("c", "jdbc:postgresql://no-such-host.invalid/container", postgres.password()).toString());
        assertThat(unknownHost.status()).isEqualTo(2);
        assertThat(unknownHost.err()).isEqualTo(dir.resolve("c/container.conf") + ": storage: cannot connect to"
                + " jdbc:postgresql://no-such-host.invalid/container as container: unknown host no-such-host.invalid"
                + " (the name does not resolve)\n1 problem\n");
        assertThat(unknownHost.out()).isEmpty();
    }

    @Test
    void a_node_that_cannot_log_in_does_not_start_and_says_why_in_one_line() throws Exception {
        Path conf = node("a", postgres.freshDatabase(), "not-the-password");
        assertThatThrownBy(() -> TestServer.startConfig(conf).close()).isInstanceOf(dev.container.StartupError.class)
                .hasMessageStartingWith("storage: cannot connect to " + postgres.url().replaceFirst("/container$", "/"))
                .hasMessageEndingWith(" as container: FATAL: password authentication failed for user \"container\"");
    }

    @Test
    void validate_refuses_a_key_that_does_not_open_the_stored_secrets() throws Exception {
        String url = postgres.freshDatabase();
        Path conf = node("a", url, postgres.password());
        try (TestServer node = TestServer.startConfig(conf)) {
            node.container().storage().putSecret("acme/ca/account.key", new byte[] {1, 2, 3});
        }
        byte[] other = new byte[32];
        other[31] = 7;
        Files.writeString(dir.resolve("storage.key"), Base64.getEncoder().encodeToString(other));
        Result wrongKey = cli("validate", conf.toString());
        assertThat(wrongKey.status()).isEqualTo(2);
        assertThat(wrongKey.err()).contains(": storage: cannot decrypt the secret acme/ca/account.key: it was stored with"
                + " another storage key");
    }

    @Test
    void status_shows_every_node_of_the_cluster_this_one_marked() throws Exception {
        String url = postgres.freshDatabase();
        try (TestServer a = TestServer.startConfig(node("a", url, postgres.password()));
             TestServer b = TestServer.startConfig(node("b", url, postgres.password()))) {
            String self = a.container().storageService().orElseThrow().self().id();
            String other = b.container().storageService().orElseThrow().self().id();

            Result json = cli("status", "--json", "--state", dir.resolve("a/state").toString());
            assertThat(json.status()).as(json.err()).isZero();
            JsonNode cluster = JSON.readTree(json.out()).path("cluster");
            assertThat(cluster.path("storage").asText()).isEqualTo("postgres");
            assertThat(cluster.path("url").asText()).isEqualTo(url);
            assertThat(cluster.path("schemaVersion").asText()).isEqualTo("2.1");
            assertThat(cluster.path("database").asText()).isEqualTo("reachable");
            assertThat(cluster.path("self").asText()).isEqualTo(self);
            List<String> ids = new ArrayList<>();
            cluster.path("nodes").forEach(n -> ids.add(n.path("id").asText()));
            assertThat(ids).containsExactlyInAnyOrder(self, other);
            cluster.path("nodes").forEach(n -> {
                assertThat(n.path("state").asText()).isEqualTo("alive");
                assertThat(n.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
                assertThat(n.path("self").asBoolean()).isEqualTo(n.path("id").asText().equals(self));
            });
            assertThat(JSON.readTree(json.out()).path("services").get(0).path("name").asText()).isEqualTo("storage");

            Result text = cli("status", "--state", dir.resolve("b/state").toString());
            assertThat(text.status()).as(text.err()).isZero();
            assertThat(text.out()).contains("storage: postgres at " + url + ", schema version 2.1, database reachable")
                    .containsPattern("NODE +HOST +PID +VERSION +STARTED +LAST SEEN +STATE")
                    .containsPattern(other + " \\(this\\) .* alive").containsPattern(self + " .* alive")
                    .containsPattern("storage +running +postgres at " + java.util.regex.Pattern.quote(url)
                            + ", schema version 2.1; 2 node\\(s\\) alive");
        }
    }

    @Test
    void a_server_with_the_state_directory_storage_has_no_cluster_in_its_status() throws Exception {
        Path conf = Files.writeString(dir.resolve("container.conf"), "listeners = [{ host = 127.0.0.1, port = 0 }]\nstate-dir = state\n");
        try (TestServer node = TestServer.startConfig(conf)) {
            Result json = cli("status", "--json", "--state", dir.resolve("state").toString());
            assertThat(JSON.readTree(json.out()).has("cluster")).isTrue();
            assertThat(JSON.readTree(json.out()).path("cluster").isNull()).isTrue();
            assertThat(cli("status", "--state", dir.resolve("state").toString()).out()).doesNotContain("storage:");
            assertThat(node.container().storageService()).isEmpty();
            assertThat(node.container().storage().describe()).isEqualTo("files in " + dir.resolve("state"));
        }
    }
}
