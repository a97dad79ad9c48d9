package dev.container.jobs;

import static dev.container.jobs.ClusterFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.container.jobs.ClusterFixture.Run;
import dev.container.jobs.ClusterFixture.Witness;
import dev.container.testing.LogCapture;
import dev.container.testing.Postgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Jobs as nodes of a cluster on a real PostgreSQL, two nodes in this JVM with a pool each: every
 * firing runs on one node, a dead node's schedule and its cut-short run move to the other, the
 * history and the definitions are the cluster's, and an outage of the database pauses the jobs
 * (said once) until it is back.
 */
class ClusterJobsTest {
    @RegisterExtension
    static final Postgres postgres = new Postgres();

    @TempDir
    Path dir;

    private ClusterFixture cluster;

    @BeforeEach
    void database() throws Exception {
        cluster = new ClusterFixture(postgres, dir);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private static Map<Instant, Long> byScheduledTime(List<Witness> rows) {
        return rows.stream().collect(Collectors.groupingBy(Witness::scheduled, Collectors.counting()));
    }

    @Test
    void each_firing_runs_on_one_node_only() throws Exception {
        Jobs a = cluster.node("node-a");
        Jobs b = cluster.node("node-b");
        var tick = cluster.recording("tick", Duration.ofSeconds(2), Duration.ZERO);
        a.update(List.of(tick));
        b.update(List.of(tick));

        await("six firings", () -> cluster.witnesses().size() >= 6, cluster::witnesses);

        List<Witness> rows = cluster.witnesses();
        assertThat(byScheduledTime(rows)).as("runs per scheduled time: %s", rows).allSatisfy((at, n) -> assertThat(n).isEqualTo(1));
        List<Instant> times = rows.stream().map(Witness::scheduled).sorted().toList();
        for (int i = 1; i < times.size(); i++) {
            assertThat(Duration.between(times.get(i - 1), times.get(i)).toMillis() % 2000).as("firings 2 s apart: %s", times).isZero();
        }
        List<Run> runs = cluster.runs().stream().filter(r -> r.ended().isPresent()).toList();
        assertThat(runs).allSatisfy(r -> assertThat(r.outcome()).isEqualTo("ok"));
        assertThat(runs.stream().map(Run::scheduled).distinct().count()).isEqualTo(runs.size());
    }

    @Test
    void a_second_node_with_the_same_jobs_leaves_the_schedule_alone() throws Exception {
        Jobs a = cluster.node("node-a");
        var hourly = ClusterFixture.command("hourly", Duration.ofHours(1), Duration.ofHours(1), "echo", "one");
        assertThat(a.update(List.of(hourly)).added()).containsExactly("hourly");
        Instant next = a.status("hourly").orElseThrow().nextFire().orElseThrow();

        Jobs b = cluster.node("node-b");
        assertThat(b.update(List.of(hourly)).added()).containsExactly("hourly");

        assertThat(b.status("hourly").orElseThrow().nextFire()).contains(next);
        assertThat(a.status("hourly").orElseThrow().nextFire()).contains(next);
    }

    @Test
    void a_reload_on_one_node_changes_and_removes_the_clusters_jobs() throws Exception {
        Jobs a = cluster.node("node-a");
        Jobs b = cluster.node("node-b");
        var before = ClusterFixture.command("report", Duration.ofHours(1), Duration.ofHours(1), "echo", "before");
        var kept = ClusterFixture.command("kept", Duration.ofHours(1), Duration.ofHours(1), "true");
        a.update(List.of(before, kept));
        b.update(List.of(before, kept));

        var after = ClusterFixture.command("report", Duration.ofHours(2), Duration.ofHours(2), "echo", "after");
        Jobs.Changes changes = b.update(List.of(after));

        assertThat(changes.changed()).containsExactly("report");
        assertThat(changes.removed()).containsExactly("kept");
        assertThat(a.status()).extracting(JobStatus::name).containsExactly("report");
        JobStatus seenByA = a.status("report").orElseThrow();
        assertThat(seenByA.action()).isEqualTo("command [echo, after]");
        assertThat(seenByA.schedule()).isEqualTo("every 2h after 2h");
        assertThat(seenByA.nextFire().orElseThrow()).isAfter(Instant.now().plus(Duration.ofMinutes(100)));
    }

    @Test
    void every_node_runs_the_clusters_definition_and_shows_every_nodes_runs() throws Exception {
        Jobs a = cluster.node("node-a");
        a.update(List.of(ClusterFixture.command("greet", Duration.ofMillis(500), Duration.ZERO, "echo", "old")));
        JobsFixture.awaitRuns(a, "greet", 1, r -> r.output().equals("old\n"));
        Jobs b = cluster.node("node-b");
        b.update(List.of(ClusterFixture.command("greet", Duration.ofMillis(500), Duration.ZERO, "echo", "new")));
        b.close();

        // node-a's configuration still says "old"; it runs what the cluster says
        JobsFixture.awaitRuns(a, "greet", 2, r -> r.output().equals("new\n") && r.node().orElseThrow().equals("node-a"));
        a.pause("greet");
        Jobs c = cluster.node("node-c");
        assertThat(c.status("greet").orElseThrow().paused()).isTrue();
        JobsFixture.sleep(1000); // a run going on when the pause came ends
        JobStatus fromA = a.status("greet").orElseThrow();
        JobStatus fromC = c.status("greet").orElseThrow();
        assertThat(fromC.runs()).isEqualTo(fromA.runs());
        assertThat(fromC.runs()).extracting(r -> r.node().orElseThrow()).contains("node-a");
        assertThat(fromC.runs().get(0).output()).isEqualTo("new\n");
        assertThat(fromC.runs()).anyMatch(r -> r.output().equals("old\n"));
        assertThat(fromC.action()).isEqualTo("command [echo, new]");
    }

    @Test
    void a_run_by_hand_on_one_node_is_recorded_for_all() throws Exception {
        Jobs a = cluster.node("node-a");
        Jobs b = cluster.node("node-b");
        var later = ClusterFixture.command("later", Duration.ofHours(1), Duration.ofHours(1), "echo", "by hand");
        a.update(List.of(later));
        b.update(List.of(later));

        assertThat(b.trigger("later")).isTrue();

        List<JobRun> runs = JobsFixture.awaitRuns(a, "later", 1, JobRun::manual);
        assertThat(runs.get(0).output()).isEqualTo("by hand\n");
        assertThat(b.trigger("no-such-job")).isFalse();
    }

    @Test
    void a_dead_nodes_schedule_moves_to_the_other_node() throws Exception {
        Jobs a = cluster.node("node-a");
        var tick = cluster.recording("tick", Duration.ofSeconds(2), Duration.ZERO);
        a.update(List.of(tick));
        await("two firings on node-a", () -> cluster.witnesses().size() >= 2, cluster::witnesses);
        Jobs b = cluster.node("node-b");
        b.update(List.of(tick));

        a.halt();
        Instant killed = Instant.now();

        await("a firing on node-b after node-a died", () -> cluster.witnesses().stream()
                .anyMatch(w -> w.node().equals("node-b") && w.at().isAfter(killed)), cluster::witnesses);
        Witness first = cluster.witnesses().stream().filter(w -> w.node().equals("node-b") && w.at().isAfter(killed))
                .findFirst().orElseThrow();
        // Quartz: a node is dead 7.5 s after its check-in was due, seen at the survivor's next check-in; then
        // a firing at most 2 s later
        assertThat(Duration.between(killed, first.at()))
                .isLessThan(ClusterFixture.CHECK_IN.multipliedBy(2).plusMillis(7500 + 2000 + 3000));
        await("three more firings", () -> cluster.witnesses().stream().filter(w -> w.at().isAfter(killed)).count() >= 3,
                cluster::witnesses);
        List<Witness> after = cluster.witnesses().stream().filter(w -> w.at().isAfter(killed)).toList();
        assertThat(after).allSatisfy(w -> assertThat(w.node()).isEqualTo("node-b"));
        assertThat(byScheduledTime(cluster.witnesses())).allSatisfy((at, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    void a_run_cut_short_by_its_nodes_death_runs_again_on_another_node() throws Exception {
        Jobs a = cluster.node("node-a");
        var slow = cluster.recording("slow", Duration.ofHours(1), Duration.ofMinutes(5));
        a.update(List.of(slow));
        await("the run on node-a", () -> !cluster.witnesses().isEmpty(), cluster::witnesses);
        Jobs b = cluster.node("node-b");
        b.update(List.of(slow));
        assertThat(b.status("slow").orElseThrow().running()).isTrue();

        a.halt();
        Instant killed = Instant.now();

        await("the rerun on node-b", () -> cluster.witnesses().stream().anyMatch(w -> w.node().equals("node-b")),
                cluster::witnesses);
        Witness rerun = cluster.witnesses().stream().filter(w -> w.node().equals("node-b")).findFirst().orElseThrow();
        assertThat(rerun.recovering()).isTrue();
        assertThat(Duration.between(killed, rerun.at())).isLessThan(ClusterFixture.CHECK_IN.multipliedBy(2).plusMillis(7500 + 5000));
        List<Run> runs = cluster.runs();
        Run cut = runs.stream().filter(r -> r.node().equals("node-a")).findFirst().orElseThrow();
        Run again = runs.stream().filter(r -> r.node().equals("node-b")).findFirst().orElseThrow();
        assertThat(again.recovered()).isTrue();
        assertThat(again.scheduled()).isEqualTo(cut.scheduled());
        assertThat(cut.outcome()).isEqualTo("interrupted");
        assertThat(cut.detail()).isEqualTo("stopped: node node-a stopped answering during the run");
        assertThat(b.status("slow").orElseThrow().running()).isTrue();
    }

    @Test
    void a_node_started_again_under_its_name_closes_the_runs_its_death_left_open() throws Exception {
        Jobs a = cluster.node("node-a");
        a.update(List.of(cluster.recording("slow", Duration.ofHours(1), Duration.ofMinutes(5))));
        await("the run", () -> !cluster.witnesses().isEmpty(), cluster::witnesses);
        a.halt();

        Jobs again = cluster.node("node-a");

        Run cut = cluster.runs().get(0);
        assertThat(cut.outcome()).isEqualTo("interrupted");
        assertThat(cut.detail()).isEqualTo("stopped: node node-a ended during the run (it started again)");
        again.update(List.of(cluster.recording("slow", Duration.ofHours(1), Duration.ofMinutes(5))));
        // the same name takes its own unfinished firing back at once: the run is repeated
        await("the rerun", () -> cluster.witnesses().size() >= 2, cluster::witnesses);
        assertThat(cluster.witnesses().get(1).recovering()).isTrue();
    }

    @Test
    void jobs_wait_while_the_database_is_away_and_go_on_when_it_is_back() throws Exception {
        ch.qos.logback.classic.Logger container = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("container");
        Level level = container.getLevel();
        container.setLevel(Level.INFO);
        try (LogCapture log = LogCapture.start()) {
            // the default check-in: a node that gets its connections back a little later than the other is
            // not taken for dead (Quartz's grace is the check-in interval and 7.5 s after the last one)
            Jobs a = cluster.node("node-a", JobCluster.DEFAULT_CHECK_IN);
            Jobs b = cluster.node("node-b", JobCluster.DEFAULT_CHECK_IN);
            var tick = ClusterFixture.command("tick", Duration.ofMillis(500), Duration.ZERO, "true");
            a.update(List.of(tick));
            b.update(List.of(tick));
            JobsFixture.awaitRuns(a, "tick", 2, r -> true);

            postgres.stop();
            try {
                await("the outage in the log", () -> log.all().stream().anyMatch(m -> m.contains("database is unreachable")),
                        log::all);
                JobsFixture.sleep(3000); // Quartz's threads retry meanwhile
                assertThat(a.status("tick")).isPresent(); // from what was read last
            } finally {
                postgres.start();
            }
            Instant back = Instant.now();

            await("runs after the restart", () -> cluster.runs().stream()
                    .anyMatch(r -> r.ended().isPresent() && r.scheduled().isAfter(back)), cluster::runs);
            await("both nodes say the database is back", () -> log.all().stream()
                    .filter(m -> m.contains("the database is back")).count() == 2, log::all);
            assertThat(log.all().stream().filter(m -> m.contains("database is unreachable")).count())
                    .as("said once per node: %s", log.all()).isEqualTo(2);
            // nothing else from the jobs or Quartz (the pools' own warnings are the storage's to quiet)
            assertThat(log.events(Level.WARN).stream().filter(e -> !e.startsWith("com.zaxxer.hikari")))
                    .as("warnings and errors").allSatisfy(e -> assertThat(e).contains("database is unreachable"));
        } finally {
            container.setLevel(level);
        }
    }
}
