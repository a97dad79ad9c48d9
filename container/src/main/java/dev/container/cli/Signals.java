package dev.container.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful stop with exit status 0 (the JVM's default handling
 * would run shutdown hooks and exit 143 or 130). A second signal while stopping exits at once.
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

    void awaitTermination() {
        try {
            received.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
