package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.Await;
import dev.container.testing.Cluster;
import dev.container.testing.ContainerProcess;
import dev.container.testing.Postgres;
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
import java.util.List;
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

    /** A node's config: a static dir, and the job tick every 2 s writing its name to the shared witness file. */
    private String node() {
        return """
                static = [{ dir = site, create = true }]
                jobs {
                  tick { every = 2s, command = [sh, -c, "echo $CONTAINER_JOB >> %s"] }
                }
                """.formatted(dir.resolve("witness.txt"));
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

    private static String jobsShow(Path state) throws Exception {
        ContainerProcess.Result shown = ContainerProcess.run("jobs", "show", "tick", "--state", state.toString());
        assertThat(shown.status()).as(shown.output()).isZero();
        return shown.output();
    }

    @Test
    void each_firing_runs_on_one_node_and_a_killed_nodes_job_moves_to_the_other() throws Exception {
        Cluster cluster = Cluster.fresh(postgres, dir);
        String url = cluster.url();
        Path witness = dir.resolve("witness.txt");
        // one after the other: the first migrates the fresh database
        try (ContainerProcess a = cluster.process("a", node()); ContainerProcess b = cluster.process("b", node())) {
            String nodeA = nodeOf(a);
            String nodeB = nodeOf(b);
            assertThat(b.output()).anyMatch(l -> l.contains("job tick: every 2s") && l.contains("(as the cluster has it)"));

            Await.until("five runs", Duration.ofSeconds(60), () -> runs(url).size() >= 5, () -> a.log() + b.log());
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

            Await.until("a run on the surviving node after the kill at " + killed, TAKEOVER.plusSeconds(20),
                    () -> runs(url).stream().anyMatch(r -> r.node().equals(survivor) && r.started().isAfter(killed)));
            Run first = runs(url).stream().filter(r -> r.started().isAfter(killed)).findFirst().orElseThrow();
            Duration takeover = Duration.between(killed, first.started());
            System.out.println("ClusterJobsIT: node " + survivor + " ran the job " + takeover.toMillis()
                    + " ms after node " + last.node() + " was killed");
            assertThat(takeover).isLessThan(TAKEOVER.plusSeconds(3));
            Await.until("two more runs after the kill at " + killed, Duration.ofSeconds(20),
                    () -> runs(url).stream().filter(r -> r.started().isAfter(killed)).count() >= 3);

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
            String shown = jobsShow(cluster.state(alive == a ? "a" : "b"));
            assertThat(shown).startsWith("tick: every 2s").contains("on " + nodeA).contains("on " + nodeB);
        }
    }
}
