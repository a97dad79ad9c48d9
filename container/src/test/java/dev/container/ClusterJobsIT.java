package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.ContainerProcess;
import dev.container.testing.Postgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs of two nodes of the packaged jar on one PostgreSQL: a command every 2 s runs once per
 * firing across both (its own lines in a shared file and the cluster's history agree, one run per
 * scheduled time), the node that runs it is killed with SIGKILL and the other takes it over within
 * Quartz's recovery time, and {@code container jobs show} on the survivor lists both nodes' runs.
 */
class ClusterJobsIT {
    @RegisterExtension
    static final Postgres postgres = new Postgres();
    private static final Pattern NODE = Pattern.compile("jobs: node ([0-9a-f]+) of the cluster's scheduler");
    /**
     * Quartz: a node is dead 7.5 s after its check-in (every 5 s) was due, which the survivor sees at
     * its own next check-in (up to 5 s later); then the next firing, up to 2 s on.
     */
    private static final Duration TAKEOVER = Duration.ofMillis(5000 + 7500 + 5000 + 2000);

    @TempDir
    Path dir;

    /** A finished run in container_job_runs. */
    record Run(String node, Instant scheduled, Instant started, String outcome) {
    }

    private Path node(String name, String url) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        return Files.writeString(home.resolve("container.conf"), """
                listeners = ["127.0.0.1:0"]
                state-dir = state
                static = [{ dir = site, create = true }]
                storage {
                  type = postgres
                  url = "%s"
                  user = %s
                  password = "%s"
                  key-file = ../storage.key
                }
                jobs {
                  tick { every = 2s, command = [sh, -c, "echo $CONTAINER_JOB >> %s"] }
                }
                """.formatted(url, postgres.user(), postgres.password(), dir.resolve("witness.txt")));
    }

    private static String nodeOf(ContainerProcess process) throws InterruptedException {
        Matcher m = NODE.matcher(process.awaitLine("of the cluster's scheduler", 0));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static List<Run> runs(String url) throws SQLException {
        List<Run> runs = new ArrayList<>();
        try (Connection c = postgres.admin(url); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(
                "SELECT node, scheduled, started, outcome FROM container_job_runs WHERE ended IS NOT NULL ORDER BY id")) {
            while (rows.next()) {
                runs.add(new Run(rows.getString(1), rows.getObject(2, OffsetDateTime.class).toInstant(),
                        rows.getObject(3, OffsetDateTime.class).toInstant(), rows.getString(4)));
            }
        }
        return runs;
    }

    private static void await(String what, long seconds, java.util.concurrent.Callable<Boolean> condition, Object context)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("within %d s: %s; %s", seconds, what, context).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private String jobsShow(Path state) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("container.jar"), "jobs", "show", "tick", "--state", state.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void each_firing_runs_on_one_node_and_a_killed_nodes_job_moves_to_the_other() throws Exception {
        String url = postgres.freshDatabase();
        Files.writeString(dir.resolve("storage.key"), Base64.getEncoder().encodeToString(new byte[32]));
        Path witness = dir.resolve("witness.txt");
        // one after the other: the first migrates the fresh database
        try (ContainerProcess a = ContainerProcess.start("run", "--config", node("a", url).toString());
             ContainerProcess b = ContainerProcess.start("run", "--config", node("b", url).toString())) {
            String nodeA = nodeOf(a);
            String nodeB = nodeOf(b);
            assertThat(b.output()).anyMatch(l -> l.contains("job tick: every 2s") && l.contains("(as the cluster has it)"));

            await("five runs", 60, () -> runs(url).size() >= 5, a.log() + b.log());
            List<Run> before = runs(url);
            assertThat(before).allSatisfy(r -> assertThat(r.outcome()).isEqualTo("ok"));
            assertThat(before.stream().map(Run::scheduled).distinct().count()).as("one run per firing: %s", before)
                    .isEqualTo(before.size());

            Run last = before.get(before.size() - 1);
            ContainerProcess victim = last.node().equals(nodeA) ? a : b;
            String survivor = victim == a ? nodeB : nodeA;
            victim.signal("KILL");
            Instant killed = Instant.now();
            assertThat(victim.awaitExit()).isNotZero();

            await("a run on the surviving node", TAKEOVER.toSeconds() + 20,
                    () -> runs(url).stream().anyMatch(r -> r.node().equals(survivor) && r.started().isAfter(killed)), killed);
            Run first = runs(url).stream().filter(r -> r.started().isAfter(killed)).findFirst().orElseThrow();
            Duration takeover = Duration.between(killed, first.started());
            System.out.println("ClusterJobsIT: node " + survivor + " ran the job " + takeover.toMillis()
                    + " ms after node " + last.node() + " was killed");
            assertThat(takeover).isLessThan(TAKEOVER.plusSeconds(3));
            await("two more runs", 20, () -> runs(url).stream().filter(r -> r.started().isAfter(killed)).count() >= 3, killed);

            // a run the kill cut short (echo takes milliseconds, but it may) is recorded as interrupted and run again
            List<Run> all = runs(url).stream().filter(r -> !r.outcome().equals("interrupted")).toList();
            assertThat(all.stream().filter(r -> r.started().isAfter(killed)))
                    .allSatisfy(r -> assertThat(r.node()).isEqualTo(survivor));
            assertThat(all.stream().map(Run::scheduled).distinct().count()).as("one run per firing: %s", all)
                    .isEqualTo(all.size());
            List<String> lines = Files.readAllLines(witness);
            assertThat(lines).allSatisfy(l -> assertThat(l).isEqualTo("tick"));
            // the command's own count: every recorded run, and perhaps one going on now and one the kill cut short
            assertThat(lines.size()).isBetween(all.size(), all.size() + 2);

            ContainerProcess alive = victim == a ? b : a;
            String shown = jobsShow(dir.resolve((alive == a ? "a" : "b") + "/state"));
            assertThat(shown).startsWith("tick: every 2s").contains("on " + nodeA).contains("on " + nodeB);
        }
    }
}
