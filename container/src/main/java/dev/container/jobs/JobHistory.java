package dev.container.jobs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The latest runs of one job, newest first, at most {@code capacity} of them. Thread-safe. */
final class JobHistory {
    private final Deque<JobRun> runs = new ArrayDeque<>();
    private final int capacity;

    JobHistory(int capacity) {
        this.capacity = capacity;
    }

    /** A history of a new capacity with the runs of this one (a changed job keeps its past). */
    JobHistory resized(int newCapacity) {
        if (newCapacity == capacity) {
            return this; // shared: the replaced job's last run, ending after the swap, lands here too
        }
        JobHistory next = new JobHistory(newCapacity);
        List<JobRun> old = runs();
        for (int i = old.size() - 1; i >= 0; i--) {
            next.add(old.get(i));
        }
        return next;
    }

    synchronized void add(JobRun run) {
        runs.addFirst(run);
        while (runs.size() > capacity) {
            runs.removeLast();
        }
    }

    synchronized List<JobRun> runs() {
        return new ArrayList<>(runs);
    }
}
