package dev.container.jobs;

/** A class job that hangs and ignores interrupts for a while (it ends after 3 s). */
public class StubbornJob implements Runnable {
    @Override
    public void run() {
        long end = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException ignored) {
                // stubborn on purpose
            }
        }
    }
}
