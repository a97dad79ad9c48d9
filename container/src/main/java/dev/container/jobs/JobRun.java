package dev.container.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One run of a job as the history keeps it: when it started, how long it took, how it ended, a
 * short detail (exit status, HTTP status, exception) and the end of its output.
 *
 * @param manual started by {@code container jobs run NAME} rather than by the schedule
 * @param node the cluster node that ran it (with {@code storage { type = postgres }}); empty on one machine
 */
public record JobRun(Instant start, Duration duration, Result result, String detail, String output, boolean manual,
                     Optional<String> node) {
    /** A run on one machine, which names no node. */
    public JobRun(Instant start, Duration duration, Result result, String detail, String output, boolean manual) {
        this(start, duration, result, detail, output, manual, Optional.empty());
    }

    /** How a run ended. */
    public enum Result {
        /** Exit status 0, an HTTP status below 400, or a class job that returned. */
        OK,
        /** A non-zero exit, an HTTP status of 400 or more, an exception, or a job that could not start. */
        FAILED,
        /** Stopped after the job's timeout. */
        TIMED_OUT,
        /** Stopped because the job was removed or the container is stopping. */
        INTERRUPTED,
        /** Not run: an earlier run is still going (a class job that ignored its interrupt). */
        SKIPPED
    }
}
