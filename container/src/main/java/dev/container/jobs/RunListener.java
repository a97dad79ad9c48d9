package dev.container.jobs;

import java.time.Duration;

/**
 * Told of every run of every job as it ends (the metrics count them), and of every firing Quartz
 * skipped because the job was still running or the process was paused too long (as
 * {@link JobRun.Result#SKIPPED}, with a zero duration). Called on the job's thread or Quartz's; it
 * must return at once and never throw.
 */
@FunctionalInterface
public interface RunListener {
    RunListener NONE = (job, result, took) -> { };

    void ran(String job, JobRun.Result result, Duration took);
}
