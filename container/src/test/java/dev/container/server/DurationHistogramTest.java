package dev.container.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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

    @Test
    void threads_recording_at_once_lose_no_count_though_they_share_stripes() throws Exception {
        DurationHistogram h = new DurationHistogram(new double[] {0.001, 0.01});
        int threads = Stripes.COUNT * 4;
        int each = 200_000;
        run(threads, () -> {
            for (int i = 0; i < each; i++) {
                h.record(i % 2 == 0 ? MS : 5 * MS);
            }
        });

        DurationHistogram.Snapshot s = h.snapshot();

        assertThat(s.cumulative()).containsExactly((long) threads * each / 2, (long) threads * each);
        assertThat(s.count()).isEqualTo((long) threads * each);
        assertThat(s.sumSeconds()).isCloseTo(threads * (each / 2) * 0.006, within(1e-6));
    }

    @Test
    void a_routes_requests_and_bytes_counted_by_threads_at_once_are_all_there() throws Exception {
        RequestDurations route = new RequestDurations("h", "/");
        int threads = Stripes.COUNT * 4;
        int each = 50_000;
        run(threads, () -> {
            HttpServerExchange exchange = new HttpServerExchange(null);
            exchange.setRequestMethod(Methods.POST);
            exchange.getRequestHeaders().put(Headers.CONTENT_LENGTH, "3");
            for (int i = 0; i < each; i++) {
                route.started(exchange);
                route.read(2);
                route.ended(exchange, 200, MS);
            }
        });

        long[] requests = {0};
        route.forEach((method, statusClass, snapshot) -> {
            assertThat(method + " " + statusClass).isEqualTo("POST 2xx");
            requests[0] += snapshot.count();
        });
        assertThat(requests[0]).isEqualTo((long) threads * each);
        assertThat(route.inFlight()).isZero();
        assertThat(route.bytesRead()).isEqualTo(5L * threads * each);
    }

    private static void run(int threads, Runnable work) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                work.run();
            });
            thread.start();
            started.add(thread);
        }
        go.countDown();
        for (Thread thread : started) {
            thread.join();
        }
    }
}
