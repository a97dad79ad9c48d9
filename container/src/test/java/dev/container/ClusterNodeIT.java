package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.ContainerProcess;
import dev.container.testing.Postgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
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

    @TempDir
    Path dir;

    record Result(int status, String output) {
    }

    private Result command(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("container.jar")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s exits", args[0]).isTrue();
        return new Result(process.exitValue(), output);
    }

    private Path node(String name, String url) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        Files.createDirectories(home.resolve("site"));
        return Files.writeString(home.resolve("container.conf"), """
                listeners = ["127.0.0.1:0"]
                state-dir = state
                static = [site]
                storage {
                  type = postgres
                  url = "%s"
                  user = %s
                  password = "%s"
                  key-file = ../storage.key
                }
                """.formatted(url, postgres.user(), postgres.password()));
    }

    @Test
    void two_nodes_of_the_packaged_jar_share_one_database() throws Exception {
        String url = postgres.freshDatabase();
        Files.writeString(dir.resolve("storage.key"), Base64.getEncoder().encodeToString(new byte[32]));
        Path a = node("a", url);
        Path b = node("b", url);
        CompletableFuture<ContainerProcess> startingA = CompletableFuture.supplyAsync(() -> start(a));
        CompletableFuture<ContainerProcess> startingB = CompletableFuture.supplyAsync(() -> start(b));
        try (ContainerProcess nodeA = startingA.get(90, TimeUnit.SECONDS); ContainerProcess nodeB = startingB.get(90, TimeUnit.SECONDS)) {
            String lineA = nodeA.awaitLine("storage: postgres at", 0);
            String lineB = nodeB.awaitLine("storage: postgres at", 0);
            assertThat(lineA).contains("schema version 2.1");
            assertThat(lineB).contains("schema version 2.1");
            assertThat(List.of(lineA, lineB)).filteredOn(l -> l.contains("(3 migration(s) applied)")).hasSize(1);

            Result status = command("status", "--state", dir.resolve("a/state").toString());
            assertThat(status.status()).as(status.output()).isZero();
            assertThat(status.output()).contains("storage: postgres at " + url + ", schema version 2.1, database reachable")
                    .containsPattern("\\(this\\) .* " + nodeA.pid() + " .* alive")
                    .containsPattern(" " + nodeB.pid() + " .* alive");

            Result validate = command("validate", a.toString());
            assertThat(validate.status()).as(validate.output()).isZero();
            assertThat(validate.output()).contains("schema version 2.1 (up to date)");

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

    private static ContainerProcess start(Path config) {
        try {
            return ContainerProcess.start("run", "--config", config.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
