package dev.container.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful stop with exit status 0 (the JVM's default handling
 * would run shutdown hooks and exit 143 or 130). A second signal while stopping exits at once.
 * SIGHUP runs the reload action given to {@link #onHangup}, one at a time, off the signal thread.
 * {@link #requestStop} stops as SIGTERM does.
 */
final class Signals {
    private final CountDownLatch received = new CountDownLatch(1);

    private Signals() {
    }

    static Signals install() {
        Signals signals = new Signals();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> signals.onSignal(signal));
        }
        return signals;
    }

    private void onSignal(Signal signal) {
        if (received.getCount() == 0) {
            System.err.println("container: second SIG" + signal.getName() + ", exiting without waiting");
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
        received.countDown();
    }

    /**
     * Runs reload on each SIGHUP, on a thread of its own, one reload after another (a second
     * SIGHUP during a reload runs again after it). Where the platform has no SIGHUP, does nothing.
     */
    void onHangup(Runnable reload) {
        // in the caller's (main) thread group, where the workers run, not the signal thread's
        // ("system"): a stopping app's Introspector.flushCaches() clears the calling group's cache
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        ExecutorService reloads = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(group, task, "reload");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Signal.handle(new Signal("HUP"), signal -> reloads.execute(reload));
        } catch (IllegalArgumentException e) {
            reloads.shutdown(); // no SIGHUP here (Windows)
        }
    }

    /** Stops as SIGTERM does (the control API's POST /stop): {@link #awaitTermination} returns. */
    void requestStop() {
        received.countDown();
    }

    void awaitTermination() {
        try {
            received.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
