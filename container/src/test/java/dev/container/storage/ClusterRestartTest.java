package dev.container.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.container.sessions.SessionsUnavailable;
import dev.container.testing.Await;
import dev.container.testing.Cluster;
import dev.container.testing.Postgres;
import dev.container.testing.TestServer;
import dev.container.tls.TestCerts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster nodes survive a PostgreSQL restart (stopped, then started again on the same port with
 * the same data): while the database is down they keep serving what needs no database (static
 * files, over TLS too), their storage calls fail as unavailable, a distributable app answers 503
 * with Retry-After, and the status says so; once it is back everything resumes by itself (the
 * same pools, the heartbeats, the sessions, the cluster's jobs), with no restart of a node; named nodes
 * ({@code storage.node}) show their names in the status and the job history.
 */
class ClusterRestartTest {
    @RegisterExtension
    static final Postgres postgres = new Postgres();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void a_node_keeps_serving_through_a_database_restart_and_resumes_by_itself() throws Exception {
        Cluster cluster = Cluster.fresh(postgres, dir);
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "served");
        try (TestServer node = cluster.start("a", "static = [\"" + dir.resolve("site") + "\"]")) {
            StorageService service = node.container().storageService().orElseThrow();
            Storage storage = node.container().storage();
            storage.putSecret("acme/ca/account.key", "key".getBytes(StandardCharsets.US_ASCII));

            postgres.stop();
            try {
                Await.until("the node notices", WAIT, () -> !service.reachable());
                assertThat(get(node.uri("/index.html")).body()).isEqualTo("served");
                assertThatThrownBy(() -> storage.get("acme/ca/account.key")).isInstanceOf(StorageUnavailableException.class);
                assertThat(service.describe()).startsWith("postgres at " + cluster.url() + ": unreachable since ");
            } finally {
                postgres.start();
            }
            Await.until("the node reaches the database again", WAIT, service::reachable);
            assertThat(storage.get("acme/ca/account.key")).hasValueSatisfying(
                    b -> assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("key"));
            assertThat(service.nodes()).singleElement().satisfies(n -> assertThat(n.alive()).isTrue());
            assertThat(get(node.uri("/index.html")).body()).isEqualTo("served");
        }
    }

    @Test
    void two_nodes_go_on_after_a_database_restart_sessions_jobs_and_heartbeats_included() throws Exception {
        Cluster cluster = Cluster.fresh(postgres, dir);
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "served");
        var cert = TestCerts.write(dir, "node", "EC", "localhost", "127.0.0.1");
        Path war = Cluster.counterWar(dir.resolve("shop.war"));
        String node = """
                listeners = [{ host = 127.0.0.1, port = 0 }, { host = 127.0.0.1, port = 0, tls = true }]
                certificates = [{ cert = "%s", key = "%s" }]
                static = ["%s"]
                apps = [{ war = "%s" }]
                jobs { tick { every = 2s, command = [true] } }
                """.formatted(cert.cert(), cert.key(), dir.resolve("site"), war);
        HttpClient tls = HttpClient.newBuilder().sslContext(TestCerts.trusting(cert.certificate())).build();
        try (TestServer a = TestServer.startConfig(cluster.configWith("a", cluster.storage("node = web1"), node));
             TestServer b = TestServer.startConfig(cluster.configWith("b", cluster.storage("node = web2"), node))) {
            List<TestServer> both = List.of(a, b);
            StorageService storageA = a.container().storageService().orElseThrow();
            StorageService storageB = b.container().storageService().orElseThrow();
            HttpResponse<String> first = get(a.uri("/shop/count"), null);
            String cookie = Cluster.cookie(first);
            List<String> counts = new ArrayList<>(List.of(first.body(), get(b.uri("/shop/count"), cookie).body()));
            Await.until("two runs of the job", WAIT, () -> runs(cluster).size() >= 2, () -> runs(cluster));

            postgres.stop();
            Instant restarted;
            try {
                Await.until("both nodes notice", WAIT, () -> !storageA.reachable() && !storageB.reachable());
                for (TestServer n : both) {
                    assertThat(get(https(n).resolve("/index.html"), null, tls).body()).isEqualTo("served");
                    assertThat(get(n.uri("/index.html"), null).body()).isEqualTo("served");
                    HttpResponse<String> refused = get(n.uri("/shop/count"), cookie);
                    assertThat(refused.statusCode()).isEqualTo(503);
                    assertThat(refused.body()).isEqualTo(SessionsUnavailable.BODY);
                    assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
                }
                assertThat(status(cluster, "a").path("database").asText()).isEqualTo("unreachable");
            } finally {
                postgres.start();
                restarted = Instant.now();
            }

            Await.until("node a counting again", WAIT, () -> get(a.uri("/shop/count"), cookie).statusCode() == 200);
            Await.until("node b counting again", WAIT, () -> get(b.uri("/shop/count"), cookie).statusCode() == 200);
            for (int i = 0; i < 4; i++) {
                counts.add(get(both.get(i % 2).uri("/shop/count"), cookie).body());
            }
            assertThat(counts).containsExactly("1", "2", "5", "6", "7", "8"); // 3 and 4: the two awaited above

            Await.until("three runs of the job after the restart", WAIT,
                    () -> runs(cluster).stream().filter(r -> r.started().isAfter(restarted)).count() >= 3,
                    () -> runs(cluster));
            List<Run> runs = runs(cluster);
            Map<Instant, Integer> perFiring = new TreeMap<>();
            runs.forEach(r -> perFiring.merge(r.scheduled(), 1, Integer::sum));
            assertThat(perFiring).as("runs per firing: %s", runs).allSatisfy((at, n) -> assertThat(n).isEqualTo(1));
            assertThat(runs).filteredOn(r -> r.started().isAfter(restarted))
                    .allSatisfy(r -> assertThat(r.outcome()).isEqualTo("ok"));

            assertThat(runs).extracting(Run::node).containsAnyOf("web1", "web2").isSubsetOf("web1", "web2");
            List<String> ids = List.of("web1", "web2");
            for (String n : List.of("a", "b")) {
                Await.until("node " + n + "'s status: the database reachable, both nodes alive", WAIT, () -> {
                    JsonNode status = status(cluster, n);
                    List<String> alive = new ArrayList<>();
                    status.path("nodes").forEach(x -> {
                        if (x.path("state").asText().equals("alive")) {
                            alive.add(x.path("id").asText());
                        }
                    });
                    return status.path("database").asText().equals("reachable") && alive.size() == 2 && alive.containsAll(ids);
                }, () -> status(cluster, n));
            }
        }
    }

    /** A run of the cluster's job in container_job_runs. */
    record Run(String node, Instant scheduled, Instant started, String outcome) {
    }

    private static List<Run> runs(Cluster cluster) throws Exception {
        List<Run> runs = new ArrayList<>();
        try (Connection c = postgres.admin(cluster.url()); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(
                "SELECT node, scheduled, started, outcome FROM container_job_runs ORDER BY id")) {
            while (rows.next()) {
                runs.add(new Run(rows.getString(1), rows.getObject(2, OffsetDateTime.class).toInstant(),
                        rows.getObject(3, OffsetDateTime.class).toInstant(), rows.getString(4)));
            }
        }
        return runs;
    }

    private static JsonNode status(Cluster cluster, String node) throws Exception {
        return cluster.status(node).path("cluster");
    }

    private static URI https(TestServer node) {
        return node.container().urls().stream().filter(u -> u.getScheme().equals("https")).findFirst().orElseThrow();
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return get(uri, null);
    }

    private static HttpResponse<String> get(URI uri, String cookie) throws Exception {
        return get(uri, cookie, CLIENT);
    }

    private static HttpResponse<String> get(URI uri, String cookie, HttpClient client) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
