package dev.container.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A job as {@code container jobs} shows it: its schedule and action as written, whether a run is
 * going on, whether its schedule is paused ({@code container jobs pause}), when it fires next, and
 * its latest runs, newest first.
 */
public record JobStatus(String name, String schedule, String action, boolean running, boolean paused,
                        Optional<Instant> nextFire, List<JobRun> runs) {
    public JobStatus {
        runs = List.copyOf(runs);
    }
}
