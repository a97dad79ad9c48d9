package dev.container.jobs;

import java.util.concurrent.atomic.AtomicInteger;

/** A class job on the test class path: counts its runs. */
public class CountingJob implements Runnable {
    static final AtomicInteger RUNS = new AtomicInteger();

    @Override
    public void run() {
        RUNS.incrementAndGet();
    }
}
