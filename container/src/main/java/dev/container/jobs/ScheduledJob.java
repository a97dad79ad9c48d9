package dev.container.jobs;

import dev.container.config.JobSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job as it runs: its spec, its task and its history. {@link #fire} is what each Quartz
 * firing does: wait the jitter, run the task, record and log the run. Whatever the task does
 * (throws, hangs past its timeout, exits non-zero) ends up as a recorded run, never as an
 * exception into the scheduler. Runs never overlap (Quartz's {@code @DisallowConcurrentExecution}
 * on {@link QuartzJob}, cluster-wide with the JDBC store); {@link #running()} may be read from any
 * thread. A node of a cluster also records each run with its {@link Recorder}.
 */
final class ScheduledJob {
    private static final Logger log = LoggerFactory.getLogger("container");

    final JobSpec spec;
    final Task task;
    final JobHistory history;
    private final Recorder recorder;
    private final RunListener runs;
    private volatile boolean running;

    /**
     * Where a node of a cluster records its runs for the others ({@link RunTable}), besides its own
     * history. Called on the job's thread; must not throw.
     */
    interface Recorder {
        Recorder NONE = new Recorder() {
            @Override
            public Object started(JobSpec spec, Instant start, boolean manual, Instant scheduled, boolean recovered) {
                return null;
            }

            @Override
            public void ended(JobSpec spec, Object started, JobRun run, Instant scheduled, boolean recovered) {
            }
        };

        /** The node its runs are on; empty on one machine. */
        default Optional<String> node() {
            return Optional.empty();
        }

        /** A run began; what it returns comes back to {@link #ended}. */
        Object started(JobSpec spec, Instant start, boolean manual, Instant scheduled, boolean recovered);

        void ended(JobSpec spec, Object started, JobRun run, Instant scheduled, boolean recovered);
    }

    ScheduledJob(JobSpec spec, Task task, JobHistory history, RunListener runs) {
        this(spec, task, history, Recorder.NONE, runs);
    }

    ScheduledJob(JobSpec spec, Task task, JobHistory history, Recorder recorder, RunListener runs) {
        this.spec = spec;
        this.task = task;
        this.history = history;
        this.recorder = recorder;
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
        boolean recovered = quartz.isRecovering();
        Instant scheduled = scheduled(quartz, start);
        Object row = recorder.started(spec, start, manual, scheduled, recovered);
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
        String detail = outcome.detail() + (recovered ? " (run again: the node that had started it stopped)" : "");
        JobRun run = new JobRun(start, took, outcome.result(), detail, outcome.output(), manual, recorder.node());
        history.add(run);
        recorder.ended(spec, row, run, scheduled, recovered);
        runs.ran(spec.name(), outcome.result(), took);
        String how = manual ? " (run by hand)" : "";
        switch (outcome.result()) {
            case OK -> log.debug("job {}: ok in {} ms: {}{}", spec.name(), took.toMillis(), detail, how);
            case INTERRUPTED -> log.info("job {}: {} after {} ms{}", spec.name(), detail, took.toMillis(), how);
            default -> log.warn("job {}: {} in {} ms: {}{}", spec.name(), outcome.result().name().toLowerCase().replace('_', ' '),
                    took.toMillis(), detail, how);
        }
    }

    /** When the firing was due: for a rerun after a node's death, when the run it repeats was. */
    private static Instant scheduled(JobExecutionContext quartz, Instant otherwise) {
        String original = quartz.getMergedJobDataMap()
                .getString(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS);
        if (quartz.isRecovering() && original != null) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(original));
            } catch (NumberFormatException e) {
                // fall back to the rerun's own time
            }
        }
        return quartz.getScheduledFireTime() == null ? otherwise : quartz.getScheduledFireTime().toInstant();
    }
}
