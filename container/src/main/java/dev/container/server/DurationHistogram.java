package dev.container.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * Durations counted into fixed buckets since the start, as a Prometheus classic histogram holds
 * them: one {@link LongAdder} per bucket and one for the sum, so that recording takes no lock and
 * allocates nothing, and threads that record at once do not contend. The bounds are inclusive
 * upper bounds ({@code le}); a duration past the last one counts in the implicit {@code +Inf}
 * bucket. {@link #snapshot} may run beside recording: each bucket is read once, and the count is
 * their total, so a snapshot's buckets always add up to its count. Thread-safe.
 */
public final class DurationHistogram {
    /**
     * The buckets of OpenTelemetry's {@code http.server.request.duration} (its advice: 5 ms .. 10 s),
     * with three more below 5 ms, where a servlet container's requests mostly end.
     */
    public static final double[] HTTP_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5,
        0.75, 1, 2.5, 5, 7.5, 10};
    /** Buckets for scheduled jobs: a tenth of a second to an hour. */
    public static final double[] JOB_SECONDS = {0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600};

    private final double[] bounds;
    private final long[] boundNanos;
    private final LongAdder[] counts;
    private final LongAdder sumNanos = new LongAdder();

    /** What a histogram held at one moment: cumulative counts per bound, then the total (+Inf). */
    public record Snapshot(double[] bounds, long[] cumulative, long count, double sumSeconds) {
    }

    /** @param seconds the upper bounds, ascending */
    public DurationHistogram(double[] seconds) {
        this.bounds = seconds.clone();
        this.boundNanos = new long[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            boundNanos[i] = Math.round(seconds[i] * 1e9);
            if (i > 0 && boundNanos[i] <= boundNanos[i - 1]) {
                throw new IllegalArgumentException("bounds must ascend: " + java.util.Arrays.toString(seconds));
            }
        }
        counts = new LongAdder[seconds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Counts one duration (negative ones as zero). */
    public void record(long nanos) {
        long n = Math.max(nanos, 0);
        int i = 0;
        // most requests fall in the first buckets: a scan from the bottom beats a binary search
        while (i < boundNanos.length && n > boundNanos[i]) {
            i++;
        }
        counts[i].increment();
        sumNanos.add(n);
    }

    /** The durations counted so far. */
    public long count() {
        long n = 0;
        for (LongAdder c : counts) {
            n += c.sum();
        }
        return n;
    }

    public Snapshot snapshot() {
        long[] cumulative = new long[bounds.length];
        long running = 0;
        for (int i = 0; i < bounds.length; i++) {
            running += counts[i].sum();
            cumulative[i] = running;
        }
        running += counts[bounds.length].sum();
        return new Snapshot(bounds.clone(), cumulative, running, sumNanos.sum() / 1e9);
    }
}
