package dev.container.jobs;

/** A class job that always fails. */
public class ThrowingJob implements Runnable {
    @Override
    public void run() {
        throw new IllegalStateException("this job always fails");
    }
}
