package dev.container.metrics;

import dev.container.server.DurationHistogram;
import dev.container.server.RequestDurations;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;

/**
 * The histograms, read from {@link Metrics}' buckets at each scrape as Prometheus classic
 * histograms: {@code http_server_request_duration_seconds} (named after OpenTelemetry's
 * {@code http.server.request.duration}) by host, app, method and status class, and
 * {@code container_job_run_duration_seconds} by job. A family with nothing counted yet is left
 * out. Registered on the registry's Prometheus model, beside Micrometer's meters. Thread-safe.
 */
final class Histograms implements MultiCollector {
    static final String HTTP = "http_server_request_duration_seconds";
    static final String JOBS = "container_job_run_duration_seconds";

    private final Metrics metrics;

    Histograms(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> families = new ArrayList<>();
        HistogramSnapshot.Builder http = HistogramSnapshot.builder().name(HTTP).unit(Unit.SECONDS)
                .help("Duration of HTTP server requests, from the request read to the response's end");
        int[] points = {0};
        for (RequestDurations route : metrics.routeCounts()) {
            route.forEach((method, statusClass, snapshot) -> {
                http.dataPoint(point(snapshot, Labels.of("host", route.host(), "app", route.route(),
                        "method", method, "status_class", statusClass)));
                points[0]++;
            });
        }
        if (points[0] > 0) {
            families.add(http.build());
        }
        HistogramSnapshot.Builder jobs = HistogramSnapshot.builder().name(JOBS).unit(Unit.SECONDS)
                .help("Duration of job runs (those skipped are not in it)");
        points[0] = 0;
        metrics.jobCounts().forEach((job, counts) -> {
            jobs.dataPoint(point(counts.durations().snapshot(), Labels.of("job", job)));
            points[0]++;
        });
        if (points[0] > 0) {
            families.add(jobs.build());
        }
        return new MetricSnapshots(families);
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot point(DurationHistogram.Snapshot s, Labels labels) {
        ClassicHistogramBuckets.Builder buckets = ClassicHistogramBuckets.builder();
        for (int i = 0; i < s.bounds().length; i++) {
            buckets.bucket(s.bounds()[i], i == 0 ? s.cumulative()[0] : s.cumulative()[i] - s.cumulative()[i - 1]);
        }
        buckets.bucket(Double.POSITIVE_INFINITY, s.count() - (s.bounds().length == 0 ? 0 : s.cumulative()[s.bounds().length - 1]));
        return HistogramSnapshot.HistogramDataPointSnapshot.builder().classicHistogramBuckets(buckets.build())
                .sum(s.sumSeconds()).labels(labels).build();
    }
}
