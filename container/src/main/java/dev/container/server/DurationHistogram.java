package dev.container.server;

/**
 * Durations counted into fixed buckets since the start, as a Prometheus classic histogram holds
 * them: the buckets and the sum in one striped block ({@link Stripes}: per stripe the sum, then
 * the buckets), so that recording takes no lock, allocates nothing and touches a line or two, and
 * threads that record at once mostly do not share a line. The bounds are inclusive upper bounds
 * ({@code le}); a duration past the last one counts in the implicit {@code +Inf} bucket.
 * {@link #snapshot} may run beside recording: each bucket is read once, and the count is their
 * total, so a snapshot's buckets always add up to its count. Thread-safe.
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
    /** HTTP_SECONDS in nanoseconds, one copy for all the routes' histograms (read by every request). */
    private static final long[] HTTP_NANOS = nanos(HTTP_SECONDS);
    private static final int SUM = 0;

    private final double[] bounds;
    private final long[] boundNanos;
    private final int stride;
    /** Per stripe: the sum of the durations in nanoseconds, then the count of each bucket, +Inf last. */
    private final long[] cells;

    /** What a histogram held at one moment: cumulative counts per bound, then the total (+Inf). */
    public record Snapshot(double[] bounds, long[] cumulative, long count, double sumSeconds) {
    }

    /** @param seconds the upper bounds, ascending */
    public DurationHistogram(double[] seconds) {
        this.bounds = seconds.clone();
        long[] nanos = nanos(seconds);
        this.boundNanos = java.util.Arrays.equals(nanos, HTTP_NANOS) ? HTTP_NANOS : nanos;
        this.stride = Stripes.stride(seconds.length + 2);
        this.cells = Stripes.block(stride);
    }

    private static long[] nanos(double[] seconds) {
        long[] nanos = new long[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            nanos[i] = Math.round(seconds[i] * 1e9);
            if (i > 0 && nanos[i] <= nanos[i - 1]) {
                throw new IllegalArgumentException("bounds must ascend: " + java.util.Arrays.toString(seconds));
            }
        }
        return nanos;
    }

    /** Counts one duration (negative ones as zero). */
    public void record(long nanos) {
        long n = Math.max(nanos, 0);
        int i = 0;
        // most requests fall in the first buckets: a scan from the bottom beats a binary search
        while (i < boundNanos.length && n > boundNanos[i]) {
            i++;
        }
        int base = Stripes.base(stride);
        Stripes.add(cells, base + SUM, n);
        Stripes.add(cells, base + 1 + i, 1);
    }

    /** The durations counted so far. */
    public long count() {
        long n = 0;
        for (int i = 0; i <= bounds.length; i++) {
            n += Stripes.sum(cells, stride, 1 + i);
        }
        return n;
    }

    public Snapshot snapshot() {
        long[] cumulative = new long[bounds.length];
        long running = 0;
        for (int i = 0; i < bounds.length; i++) {
            running += Stripes.sum(cells, stride, 1 + i);
            cumulative[i] = running;
        }
        running += Stripes.sum(cells, stride, 1 + bounds.length);
        return new Snapshot(bounds.clone(), cumulative, running, Stripes.sum(cells, stride, SUM) / 1e9);
    }
}
