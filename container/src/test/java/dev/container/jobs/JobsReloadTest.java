package dev.container.jobs;

import static dev.container.jobs.JobsFixture.awaitRuns;
import static org.assertj.core.api.Assertions.assertThat;

import dev.container.Container;
import dev.container.config.Plan;
import dev.container.config.PlanBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload applies the jobs of the new plan: added, removed and changed; unchanged ones keep their history. */
class JobsReloadTest {
    @TempDir
    Path dir;

    private Container container;

    @AfterEach
    void stop() {
        if (container != null) {
            container.close();
        }
    }

    private Plan plan(String jobs) throws Exception {
        Files.createDirectories(dir.resolve("site"));
        Path file = dir.resolve("jobs.conf");
        Files.writeString(file, "static = [site]\nadmin = off\njobs {\n" + jobs + "\n}\n");
        return new PlanBuilder().configFile(file).listen("127.0.0.1:0").shutdownTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void reload_adds_removes_and_changes_jobs_and_keeps_the_unchanged_ones() throws Exception {
        container = Container.start(plan("""
                kept { every = 1s, command = [echo, kept] }
                removed { every = 1s, command = [echo, removed] }
                changed { every = 1s, command = [echo, before] }
                """));
        Jobs jobs = container.jobs();
        awaitRuns(jobs, "kept", 2, r -> true);
        awaitRuns(jobs, "changed", 1, r -> true);
        JobRun keptBefore = jobs.status("kept").orElseThrow().runs().get(jobs.status("kept").orElseThrow().runs().size() - 1);

        container.reload(plan("""
                kept { every = 1s, command = [echo, kept] }
                changed { every = 1s, command = [echo, after] }
                added { every = 1s, command = [echo, added] }
                """));

        assertThat(jobs.status()).extracting(JobStatus::name).containsExactly("added", "changed", "kept");
        assertThat(awaitRuns(jobs, "added", 1, r -> true).get(0).output()).isEqualTo("added\n");
        List<JobRun> changed = awaitRuns(jobs, "changed", 1, r -> r.output().equals("after\n"));
        assertThat(changed).anyMatch(r -> r.output().equals("before\n")); // its history stays
        assertThat(jobs.status("changed").orElseThrow().action()).isEqualTo("command [echo, after]");
        assertThat(jobs.status("kept").orElseThrow().runs()).contains(keptBefore);
        assertThat(jobs.status("removed")).isEmpty();
    }

    @Test
    void a_reload_that_removes_a_running_job_stops_its_command() throws Exception {
        container = Container.start(plan("""
                sleeper { every = 1h, command = [sh, -c, "exec sleep 60"] }
                """));
        Jobs jobs = container.jobs();
        long deadline = System.nanoTime() + JobsFixture.WAIT.toNanos();
        while (!jobs.status("sleeper").orElseThrow().running() && System.nanoTime() < deadline) {
            JobsFixture.sleep(20);
        }
        long began = System.nanoTime();
        container.reload(plan("other { every = 1h, command = [true] }"));
        assertThat(jobs.status("sleeper")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void jobs_can_be_added_to_a_container_that_started_without_any() throws Exception {
        container = Container.start(plan(""));
        assertThat(container.jobs().status()).isEmpty();
        container.reload(plan("late { every = 1s, command = [echo, late] }"));
        assertThat(awaitRuns(container.jobs(), "late", 1, r -> true).get(0).output()).isEqualTo("late\n");
    }
}
