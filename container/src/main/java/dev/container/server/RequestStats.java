package dev.container.server;

import io.undertow.server.HttpHandler;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One app's request counts for the control API: requests by status class, requests in flight (those
 * begun less those ended, so a request end is one count, not two), and
 * the latency of the last minute (mean and 99th percentile) from a fixed-bucket histogram kept in
 * six 10-second slots. Recording allocates nothing: counters are {@link LongAdder}s, the histogram
 * a preallocated {@link AtomicLongArray} per slot, and one listener per route ({@link CountedRoute})
 * hears every request end through {@link Gate#whenEnded}, which also ends requests whose connection
 * closed before their exchange completed; the metrics' counts ({@link RequestDurations}) hear it
 * through the same listener. Latency runs from when Undertow read the request (its start time,
 * recorded by the listeners) to its end.
 *
 * <p>Buckets: below 4 µs one per microsecond, then four per power of two (each at most a quarter
 * of its lower bound wide), up to 2^27 µs (134 s); longer requests count in the last bucket. The
 * percentile is interpolated inside its bucket, so it is within that bucket's width of the truth.
 * A slot is cleared by the first request of its 10 seconds; a request recorded at that very moment
 * may be lost, which a statistic can bear. Thread-safe.
 */
public final class RequestStats {
    /** Seconds per slot, and slots kept: "the last minute" is the last 50 to 60 seconds. */
    public static final int SLOT_SECONDS = 10;
    public static final int SLOTS = 6;
    private static final long SLOT_NANOS = SLOT_SECONDS * 1_000_000_000L;
    private static final int MAX_EXPONENT = 27;
    static final int BUCKETS = (MAX_EXPONENT - 1) * 4 + 4;

    private final LongAdder[] byClass = new LongAdder[6];
    /** Requests begun; those in flight are these less the ended ones (byClass): one count per request end saved. */
    private final LongAdder started = new LongAdder();
    private final Slot[] slots = new Slot[SLOTS];

    /** What the API shows of an app's requests: since the app was deployed with its configuration, and over the last minute. */
    public record Snapshot(long total, long informational, long success, long redirection, long clientError,
                           long serverError, long inFlight, long windowCount, double meanMillis, double p99Millis) {
    }

    private static final class Slot {
        volatile long epoch = Long.MIN_VALUE;
        final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
        final LongAdder micros = new LongAdder();

        void clear(long next) {
            for (int i = 0; i < BUCKETS; i++) {
                buckets.set(i, 0);
            }
            micros.reset();
            epoch = next;
        }
    }

    public RequestStats() {
        for (int i = 0; i < byClass.length; i++) {
            byClass[i] = new LongAdder();
        }
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot();
        }
    }

    /** next, counted: the handler to route the app's requests to. */
    public HttpHandler wrap(HttpHandler next) {
        return CountedRoute.of(this, next);
    }

    void started() {
        started.increment();
    }

    /** A request ended at nowNanos with status, after nanos (-1: unknown, not in the latency). */
    void ended(int status, long nowNanos, long nanos) {
        byClass[status >= 100 && status < 600 ? status / 100 : 0].increment();
        if (nanos != -1) {
            record(nowNanos, nanos / 1000);
        }
    }

    /** Counts one request of that many microseconds, ended at nowNanos (System.nanoTime). */
    void record(long nowNanos, long micros) {
        Slot slot = slot(Math.floorDiv(nowNanos, SLOT_NANOS));
        slot.buckets.incrementAndGet(bucket(micros));
        slot.micros.add(Math.max(micros, 0));
    }

    private Slot slot(long epoch) {
        Slot slot = slots[(int) Math.floorMod(epoch, SLOTS)];
        if (slot.epoch != epoch) {
            synchronized (slot) {
                if (slot.epoch != epoch) {
                    slot.clear(epoch);
                }
            }
        }
        return slot;
    }

    /** The bucket of a duration in microseconds (see the class comment). */
    static int bucket(long micros) {
        if (micros < 4) {
            return (int) Math.max(micros, 0);
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros);
        if (exponent > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        return (exponent - 1) * 4 + (int) ((micros >> (exponent - 2)) & 3);
    }

    /** The smallest duration (µs) of bucket i. */
    static long lowerBound(int i) {
        if (i < 4) {
            return i;
        }
        int exponent = i / 4 + 1;
        return (4L + i % 4) << (exponent - 2);
    }

    /** The first duration (µs) past bucket i. */
    static long upperBound(int i) {
        return i < 4 ? i + 1 : lowerBound(i) + (1L << (i / 4 - 1));
    }

    public Snapshot snapshot() {
        return snapshot(System.nanoTime());
    }

    Snapshot snapshot(long nowNanos) {
        long current = Math.floorDiv(nowNanos, SLOT_NANOS);
        long[] counts = new long[BUCKETS];
        long count = 0;
        long micros = 0;
        for (Slot slot : slots) {
            long epoch = slot.epoch;
            if (epoch > current - SLOTS && epoch <= current) {
                for (int i = 0; i < BUCKETS; i++) {
                    long n = slot.buckets.get(i);
                    counts[i] += n;
                    count += n;
                }
                micros += slot.micros.sum();
            }
        }
        long[] classes = new long[byClass.length];
        long total = 0;
        for (int i = 0; i < classes.length; i++) {
            classes[i] = byClass[i].sum();
            total += classes[i];
        }
        long begun = started.sum(); // after the ends: in flight is never below the truth
        double mean = count == 0 ? 0 : micros / 1000.0 / count;
        return new Snapshot(total, classes[1], classes[2], classes[3], classes[4], classes[5],
                Math.max(begun - total, 0), count, round(mean), round(percentile(counts, count, 0.99) / 1000.0));
    }

    /** The q-quantile in microseconds, interpolated inside its bucket; 0 without samples. */
    static double percentile(long[] counts, long count, double q) {
        if (count == 0) {
            return 0;
        }
        double rank = Math.ceil(q * count);
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0 && below + counts[i] >= rank) {
                double within = (rank - below) / counts[i];
                return lowerBound(i) + within * (upperBound(i) - lowerBound(i));
            }
            below += counts[i];
        }
        return upperBound(counts.length - 1);
    }

    private static double round(double millis) {
        return Math.round(millis * 100) / 100.0;
    }
}
