package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.storage.Migrations;
import dev.container.testing.Cluster;
import dev.container.testing.ContainerProcess;
import dev.container.testing.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of the packaged jar on one PostgreSQL, started at the same moment on a fresh
 * database: the shaded jar finds the driver, Flyway and its migrations (ServiceLoader plugins,
 * class path scanning inside the jar), exactly one node applies them, both report the newest version,
 * each sees the other in {@code container status}, and a node stopped with SIGTERM removes its
 * heartbeat row.
 */
class ClusterNodeIT {
    @RegisterExtension
    static final Postgres postgres = new Postgres();
    private static final String SITE = "static = [{ dir = site, create = true }]";

    @TempDir
    Path dir;

    @Test
    void two_nodes_of_the_packaged_jar_share_one_database() throws Exception {
        Cluster cluster = Cluster.fresh(postgres, dir);
        String url = cluster.url();
        Path a = cluster.config("a", SITE);
        cluster.config("b", SITE);
        CompletableFuture<ContainerProcess> startingA = CompletableFuture.supplyAsync(() -> start(cluster, "a"));
        CompletableFuture<ContainerProcess> startingB = CompletableFuture.supplyAsync(() -> start(cluster, "b"));
        try (ContainerProcess nodeA = startingA.get(90, TimeUnit.SECONDS); ContainerProcess nodeB = startingB.get(90, TimeUnit.SECONDS)) {
            String lineA = nodeA.awaitLine("storage: postgres at", 0);
            String lineB = nodeB.awaitLine("storage: postgres at", 0);
            assertThat(lineA).contains("schema version " + Migrations.NEWEST);
            assertThat(lineB).contains("schema version " + Migrations.NEWEST);
            assertThat(List.of(lineA, lineB)).filteredOn(l -> l.contains("(" + Migrations.COUNT + " migration(s) applied)"))
                    .hasSize(1);

            ContainerProcess.Result status = ContainerProcess.run("status", "--state", cluster.state("a").toString());
            assertThat(status.status()).as(status.output()).isZero();
            assertThat(status.output()).contains("storage: postgres at " + url + ", schema version " + Migrations.NEWEST + ", database reachable")
                    .containsPattern("\\(this\\) .* " + nodeA.pid() + " .* alive")
                    .containsPattern(" " + nodeB.pid() + " .* alive");

            ContainerProcess.Result validate = ContainerProcess.run("validate", a.toString());
            assertThat(validate.status()).as(validate.output()).isZero();
            assertThat(validate.output()).contains("schema version " + Migrations.NEWEST + " (up to date)");

            nodeB.signal("TERM");
            assertThat(nodeB.awaitExit()).isZero();
            try (Connection c = postgres.admin(url); Statement s = c.createStatement();
                 ResultSet rows = s.executeQuery("SELECT pid FROM container_nodes")) {
                List<Long> pids = new ArrayList<>();
                while (rows.next()) {
                    pids.add(rows.getLong(1));
                }
                assertThat(pids).containsExactly(nodeA.pid());
            }
        }
    }

    /** The node's config as written: both starts write nothing, so that neither reads a half-written file. */
    private static ContainerProcess start(Cluster cluster, String node) {
        try {
            return ContainerProcess.start("run", "--config", cluster.home(node).resolve("container.conf").toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
