package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DurationHistogramTest {
    private static final long MS = 1_000_000;

    @Test
    void a_duration_counts_in_the_first_bucket_whose_bound_it_does_not_exceed_and_buckets_are_cumulative() {
        DurationHistogram h = new DurationHistogram(new double[] {0.001, 0.01, 0.1});
        h.record(MS);          // exactly 1 ms: le="0.001" (inclusive)
        h.record(MS + 1);      // just past it: le="0.01"
        h.record(50 * MS);     // le="0.1"
        h.record(2_000 * MS);  // past the last bound: +Inf only
        h.record(-5);          // a clock going backwards counts as zero

        DurationHistogram.Snapshot s = h.snapshot();

        assertThat(s.cumulative()).containsExactly(2, 3, 4);
        assertThat(s.count()).isEqualTo(5);
        assertThat(s.sumSeconds()).isCloseTo(0.001 + 0.001 + 0.05 + 2.0, within(1e-6));
    }

    @Test
    void http_buckets_are_opentelemetrys_with_three_more_below_5_ms() {
        assertThat(DurationHistogram.HTTP_SECONDS).startsWith(0.0005, 0.001, 0.0025)
                .endsWith(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10);
    }

    @Test
    void bounds_must_ascend() {
        assertThatThrownBy(() -> new DurationHistogram(new double[] {0.1, 0.1})).isInstanceOf(IllegalArgumentException.class);
    }
}
