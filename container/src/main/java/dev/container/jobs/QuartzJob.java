package dev.container.jobs;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.InterruptableJob;
import org.quartz.JobExecutionContext;

/**
 * The one Quartz job class: each firing runs a {@link ScheduledJob}, found by the job's name when
 * Quartz asks {@link Jobs}' job factory for an instance. Quartz never runs two of one job at once
 * ({@link DisallowConcurrentExecution}); a firing due while one runs waits, and is skipped by the
 * misfire policy when it waited too long. Interrupting it (job removed, container stopping)
 * interrupts the thread that runs the task.
 */
@DisallowConcurrentExecution
final class QuartzJob implements InterruptableJob {
    /** The JobDataMap key of a firing started by {@code container jobs run}. */
    static final String MANUAL = "container.manual";

    private final ScheduledJob job;
    private volatile Thread thread;

    QuartzJob(ScheduledJob job) {
        this.job = job;
    }

    @Override
    public void execute(JobExecutionContext context) {
        thread = Thread.currentThread();
        try {
            job.fire(context, context.getMergedJobDataMap().containsKey(MANUAL));
        } finally {
            thread = null;
            Thread.interrupted(); // an interrupt meant for this run must not reach Quartz's next use of the thread
        }
    }

    @Override
    public void interrupt() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
