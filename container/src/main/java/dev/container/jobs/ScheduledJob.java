package dev.container.jobs;

import dev.container.config.JobSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job as it runs: its spec, its task and its history. {@link #fire} is what each Quartz
 * firing does: wait the jitter, run the task, record and log the run. Whatever the task does
 * (throws, hangs past its timeout, exits non-zero) ends up as a recorded run, never as an
 * exception into the scheduler. Runs never overlap (Quartz's {@code @DisallowConcurrentExecution}
 * on {@link QuartzJob}); {@link #running()} may be read from any thread.
 */
final class ScheduledJob {
    private static final Logger log = LoggerFactory.getLogger("container");

    final JobSpec spec;
    final Task task;
    final JobHistory history;
    private final RunListener runs;
    private volatile boolean running;

    ScheduledJob(JobSpec spec, Task task, JobHistory history, RunListener runs) {
        this.spec = spec;
        this.task = task;
        this.history = history;
        this.runs = runs;
    }

    boolean running() {
        return running;
    }

    void fire(JobExecutionContext quartz, boolean manual) {
        if (!manual && !spec.jitter().isZero()) {
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(spec.jitter().toMillis() + 1));
            } catch (InterruptedException e) {
                return; // stopping before it began: not a run
            }
        }
        running = true;
        Instant start = Instant.now();
        long began = System.nanoTime();
        Outcome outcome;
        try {
            outcome = task.run(spec.timeout(), quartz);
        } catch (InterruptedException e) {
            outcome = Outcome.interrupted("stopped", "");
        } catch (ClassTask.JobSetupException e) {
            outcome = Outcome.failed(e.getMessage(), "");
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            log.warn("job {}: failed: {}", spec.name(), e.toString(), e);
            outcome = Outcome.failed(e.toString(), "");
        } finally {
            running = false;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        history.add(new JobRun(start, took, outcome.result(), outcome.detail(), outcome.output(), manual));
        runs.ran(spec.name(), outcome.result(), took);
        String how = manual ? " (run by hand)" : "";
        switch (outcome.result()) {
            case OK -> log.debug("job {}: ok in {} ms: {}{}", spec.name(), took.toMillis(), outcome.detail(), how);
            case INTERRUPTED -> log.info("job {}: {} after {} ms{}", spec.name(), outcome.detail(), took.toMillis(), how);
            default -> log.warn("job {}: {} in {} ms: {}{}", spec.name(), outcome.result().name().toLowerCase().replace('_', ' '),
                    took.toMillis(), outcome.detail(), how);
        }
    }
}
