package dev.container.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Polling until something holds, for tests that wait for a background thread, another node or a
 * process: {@code Await.until("node b counting again", Duration.ofSeconds(30), () -> ...)}. The
 * condition is asked every 100 ms (exceptions it throws fail the wait at once); when the
 * timeout passes first, an {@link AssertionError} says what was awaited, and optionally what the
 * test saw then. A bound, not a measure: tests that time things are benchmarks.
 */
public final class Await {
    private static final long POLL_MILLIS = 100;

    /** A condition that may need to throw (SQL, HTTP, a process). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /** Waits until condition holds; fails with "not within TIMEOUT: description" when it does not in time. */
    public static void until(String description, Duration timeout, Condition condition) throws Exception {
        until(description, timeout, condition, () -> null);
    }

    /**
     * As {@link #until(String, Duration, Condition)}; on failure the message adds what detail says
     * then (the rows, the log), unless it returns null.
     */
    public static void until(String description, Duration timeout, Condition condition, Callable<?> detail)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                Object seen = detail.call();
                throw new AssertionError("not within " + seconds(timeout) + ": " + description
                        + (seen == null ? "" : "; " + seen));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
