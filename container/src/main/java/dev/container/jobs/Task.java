package dev.container.jobs;

import java.time.Duration;
import org.quartz.JobExecutionContext;

/**
 * What one kind of job does (a command, an HTTP call, a class). A task is called by one thread at
 * a time (the scheduler never overlaps runs of a job). It must end by itself within about
 * {@code timeout} plus a few seconds, and promptly when its thread is interrupted (the job was
 * removed or the container stops), cleaning up what it started.
 */
interface Task extends AutoCloseable {
    /** Runs once. Exceptions are recorded as a failed run by the caller. */
    Outcome run(Duration timeout, JobExecutionContext quartz) throws Exception;

    /** Releases what the task holds between runs (a class loader, say). */
    @Override
    default void close() {
    }
}
