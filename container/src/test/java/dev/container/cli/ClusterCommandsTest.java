package dev.container.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.container.StartupError;
import dev.container.storage.Migrations;
import dev.container.testing.Cluster;
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
import org.junit.jupiter.api.BeforeEach;
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
    Cluster cluster;

    @BeforeEach
    void database() throws Exception {
        cluster = Cluster.fresh(postgres, dir);
    }

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
        return cluster.configWith(name, cluster.storage(url, password, ""), "");
    }

    /** A node's config file in dir/name, on the cluster's fresh database. */
    private Path node(String name) throws Exception {
        return cluster.config(name, "");
    }

    @Test
    void validate_connects_and_says_the_schema_is_not_there_yet_then_its_version() throws Exception {
        String url = cluster.url();
        Path conf = node("a");
        Result fresh = cli("validate", conf.toString());
        assertThat(fresh.status()).as(fresh.err()).isZero();
        assertThat(fresh.out()).contains("storage: postgres at " + url + " as container: connected (PostgreSQL 1")
                .contains("no schema yet: the server makes it (version " + Migrations.NEWEST + ") at its first start");
        try (TestServer node = TestServer.startConfig(conf)) {
            node.container().storage().putSecret("acme/ca/account.key", new byte[] {1, 2, 3});
        }
        Result migrated = cli("validate", conf.toString());
        assertThat(migrated.status()).as(migrated.err()).isZero();
        assertThat(migrated.out()).contains("schema version " + Migrations.NEWEST + " (up to date); the storage key (key-file "
                + dir.resolve("storage.key") + ") opens the stored secrets");
    }

    @Test
    void validate_says_exactly_why_it_cannot_connect_without_showing_the_password() throws Exception {
        String url = cluster.url();
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
        Path conf = node("a", cluster.url(), "not-the-password");
        assertThatThrownBy(() -> TestServer.startConfig(conf).close()).isInstanceOf(dev.container.StartupError.class)
                .hasMessageStartingWith("storage: cannot connect to " + postgres.url().replaceFirst("/container$", "/"))
                .hasMessageEndingWith(" as container: FATAL: password authentication failed for user \"container\"");
    }

    @Test
    void validate_refuses_a_key_that_does_not_open_the_stored_secrets() throws Exception {
        String url = cluster.url();
        Path conf = node("a");
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
        String url = cluster.url();
        try (TestServer a = TestServer.startConfig(node("a")); TestServer b = TestServer.startConfig(node("b"))) {
            String self = a.container().storageService().orElseThrow().self().id();
            String other = b.container().storageService().orElseThrow().self().id();

            Result json = cli("status", "--json", "--state", cluster.state("a").toString());
            assertThat(json.status()).as(json.err()).isZero();
            JsonNode shown = JSON.readTree(json.out()).path("cluster");
            assertThat(shown.path("storage").asText()).isEqualTo("postgres");
            assertThat(shown.path("url").asText()).isEqualTo(url);
            assertThat(shown.path("schemaVersion").asText()).isEqualTo(Migrations.NEWEST);
            assertThat(shown.path("database").asText()).isEqualTo("reachable");
            assertThat(shown.path("self").asText()).isEqualTo(self);
            List<String> ids = new ArrayList<>();
            shown.path("nodes").forEach(n -> ids.add(n.path("id").asText()));
            assertThat(ids).containsExactlyInAnyOrder(self, other);
            shown.path("nodes").forEach(n -> {
                assertThat(n.path("state").asText()).isEqualTo("alive");
                assertThat(n.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
                assertThat(n.path("self").asBoolean()).isEqualTo(n.path("id").asText().equals(self));
            });
            assertThat(JSON.readTree(json.out()).path("services").get(0).path("name").asText()).isEqualTo("storage");

            Result text = cli("status", "--state", cluster.state("b").toString());
            assertThat(text.status()).as(text.err()).isZero();
            assertThat(text.out()).contains("storage: postgres at " + url + ", schema version " + Migrations.NEWEST + ", database reachable")
                    .containsPattern("NODE +HOST +PID +VERSION +STARTED +LAST SEEN +STATE")
                    .containsPattern(other + " \\(this\\) .* alive").containsPattern(self + " .* alive")
                    .containsPattern("storage +running +postgres at " + java.util.regex.Pattern.quote(url)
                            + ", schema version " + Migrations.NEWEST + "; 2 node\\(s\\) alive");
        }
    }

    @Test
    void a_second_live_node_with_the_same_name_is_refused_in_one_line_and_the_first_goes_on() throws Exception {
        try (TestServer first = TestServer.startConfig(named("a", "web1"))) {
            StartupError refused = catchThrowableOfType(StartupError.class, () -> TestServer.startConfig(named("b", "web1")).close());
            assertThat(refused).as("refused").isNotNull();
            assertThat(refused.getMessage()).isEqualTo("storage: another node named web1 is running (host "
                    + first.container().storageService().orElseThrow().self().host() + ", pid " + ProcessHandle.current().pid()
                    + "): give each node its own storage.node");
            assertThat(refused.exitStatus()).isEqualTo(StartupError.FINAL);
            JsonNode nodes = JSON.readTree(cli("status", "--json", "--state", cluster.state("a").toString()).out())
                    .path("cluster").path("nodes");
            assertThat(nodes).singleElement().satisfies(n -> {
                assertThat(n.path("id").asText()).isEqualTo("web1");
                assertThat(n.path("state").asText()).isEqualTo("alive");
            });
        }
    }

    @Test
    void a_dead_nodes_row_of_the_same_name_is_taken_over_once_it_stops_changing() throws Exception {
        try (TestServer other = TestServer.startConfig(named("b", "web2"))) {
            try (var c = postgres.admin(cluster.url()); var s = c.createStatement()) {
                // as a node killed ten seconds ago leaves it: alive for five seconds more, never written again
                s.execute("INSERT INTO container_nodes (id, host, pid, version, started, last_seen)"
                        + " VALUES ('web1', 'gone.example', 1, '0.1', now() - interval '1 hour', now() - interval '10 seconds')");
            }
            try (TestServer restarted = TestServer.startConfig(named("a", "web1"))) {
                var self = restarted.container().storageService().orElseThrow().self();
                assertThat(self.id()).isEqualTo("web1");
                assertThat(postgres.countIn(cluster.url(), "SELECT count(*) FROM container_nodes WHERE id = 'web1' AND pid = ?"
                        + " AND host = ?", ProcessHandle.current().pid(), self.host())).isOne();
                assertThat(cli("status", "--state", cluster.state("b").toString()).out())
                        .containsPattern("web1 +" + java.util.regex.Pattern.quote(self.host()) + " .* alive")
                        .containsPattern("web2 \\(this\\) .* alive");
            }
        }
    }

    @Test
    void a_node_whose_database_stays_away_past_the_start_wait_exits_75_for_the_service_manager() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Path conf = cluster.configWith("a", cluster.storage("jdbc:postgresql://127.0.0.1:" + closed + "/container",
                postgres.password(), ""), "static = [{ dir = site, create = true }]");
        Result run = cli("run", "--config", conf.toString());
        assertThat(run.status()).as(run.err()).isEqualTo(StartupError.TEMPORARY).isEqualTo(75);
        assertThat(run.err()).startsWith("container: storage: cannot connect to jdbc:postgresql://127.0.0.1:" + closed
                + "/container as container: Connection to 127.0.0.1:" + closed + " refused")
                .endsWith(" (waited 30 s; exit status 75, for the service manager to start the node again)\n")
                .hasLineCount(1);
    }

    /** A node's config file in dir/home, on the cluster's database, named node. */
    private Path named(String home, String node) throws Exception {
        return cluster.configWith(home, cluster.storage("node = " + node), "");
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
