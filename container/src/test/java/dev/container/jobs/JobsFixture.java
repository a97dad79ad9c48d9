package dev.container.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.container.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Waiting for jobs to have run: polls the history until a condition holds or a deadline passes. */
public final class JobsFixture {
    static final Duration WAIT = Duration.ofSeconds(20);

    private JobsFixture() {
    }

    /** The job's runs, newest first, once at least n of them satisfy condition. */
    static List<JobRun> awaitRuns(TestServer server, String name, int n, Predicate<JobRun> condition) {
        return awaitRuns(server.container().jobs(), name, n, condition);
    }

    public static List<JobRun> awaitRuns(Jobs jobs, String name, int n, Predicate<JobRun> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JobRun> runs = List.of();
        while (System.nanoTime() < deadline) {
            runs = jobs.status(name).map(JobStatus::runs).orElse(List.of());
            if (runs.stream().filter(condition).count() >= n) {
                return runs;
            }
            sleep(50);
        }
        throw new AssertionError("job " + name + ": fewer than " + n + " matching runs within " + WAIT + "; runs: " + runs);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A config file in dir with the given text, for PlanBuilder.configFile. */
    static Path config(Path dir, String text) throws Exception {
        Path file = dir.resolve("test.conf");
        Files.writeString(file, text);
        return file;
    }

    static void assertOk(JobRun run) {
        assertThat(run.result()).as("run %s", run).isEqualTo(JobRun.Result.OK);
    }
}
