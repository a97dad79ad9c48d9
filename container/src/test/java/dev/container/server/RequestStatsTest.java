package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The per-app latency histogram: contiguous buckets, the percentile inside its bucket, a one-minute window. */
class RequestStatsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void buckets_are_contiguous_and_each_at_most_a_quarter_of_its_lower_bound_wide() {
        for (int i = 0; i < RequestStats.BUCKETS - 1; i++) {
            assertThat(RequestStats.upperBound(i)).as("bucket %d ends where %d begins", i, i + 1)
                    .isEqualTo(RequestStats.lowerBound(i + 1));
            if (i >= 4) {
                long width = RequestStats.upperBound(i) - RequestStats.lowerBound(i);
                assertThat(width * 4).isLessThanOrEqualTo(RequestStats.lowerBound(i));
            }
        }
        for (long micros : new long[] {0, 1, 3, 4, 5, 7, 8, 1_000, 99_999, 1_000_000, 100_000_000}) {
            int bucket = RequestStats.bucket(micros);
            assertThat(micros).isBetween(RequestStats.lowerBound(bucket), RequestStats.upperBound(bucket) - 1);
        }
        assertThat(RequestStats.bucket(Long.MAX_VALUE)).isEqualTo(RequestStats.BUCKETS - 1);
    }

    @Test
    void mean_and_p99_of_the_last_minute_come_within_a_bucket_of_the_truth() {
        RequestStats stats = new RequestStats();
        long now = 1_000 * SECOND;
        for (int i = 0; i < 990; i++) {
            stats.record(now, 1_000); // 1 ms
        }
        for (int i = 0; i < 10; i++) {
            stats.record(now, 200_000); // 200 ms: the slowest 1 %
        }

        RequestStats.Snapshot snapshot = stats.snapshot(now);

        assertThat(snapshot.windowCount()).isEqualTo(1_000);
        assertThat(snapshot.meanMillis()).isCloseTo((990 * 1.0 + 10 * 200.0) / 1_000, within(0.01));
        // the 990th of 1000 is the last 1 ms request; its bucket is [896, 1024) µs
        assertThat(snapshot.p99Millis()).isBetween(0.896, 1.024);
    }

    @Test
    void requests_older_than_the_window_no_longer_count() {
        RequestStats stats = new RequestStats();
        long start = 1_000 * SECOND;
        stats.record(start, 5_000);
        stats.record(start + 30 * SECOND, 5_000);

        assertThat(stats.snapshot(start + 55 * SECOND).windowCount()).isEqualTo(2);
        assertThat(stats.snapshot(start + 65 * SECOND).windowCount()).isEqualTo(1);
        assertThat(stats.snapshot(start + 95 * SECOND).windowCount()).isZero();
        assertThat(stats.snapshot(start + 95 * SECOND).p99Millis()).isZero();
    }

    @Test
    void a_slot_is_cleared_when_its_ten_seconds_come_round_again() {
        RequestStats stats = new RequestStats();
        long start = 1_000 * SECOND;
        stats.record(start, 5_000);
        stats.record(start + 60 * SECOND, 7_000); // the same slot, a minute on

        RequestStats.Snapshot snapshot = stats.snapshot(start + 60 * SECOND);

        assertThat(snapshot.windowCount()).isEqualTo(1);
        assertThat(snapshot.meanMillis()).isEqualTo(7.0);
    }
}
