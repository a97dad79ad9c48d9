package dev.container.metrics;

import dev.container.config.ListenerSpec;
import dev.container.jobs.JobRun;
import dev.container.server.HttpServer;
import dev.container.server.RequestDurations;
import dev.container.tls.CertificateStore;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Micrometer side of {@link Metrics}: a Prometheus registry of the container's own (never the
 * global one), made at the first scrape, with Micrometer's JVM and process binders, and meters
 * that read Metrics' counts when scraped (function counters and gauges: nothing of Micrometer's
 * runs per request). The histograms ({@link Histograms}) are a collector on the registry's
 * Prometheus model, as Micrometer has no meter that reads buckets kept elsewhere. Meters for
 * what comes and goes (routes, listeners, certificate names, jobs) are added, and for listeners and
 * certificates removed, at each scrape. Used under Metrics' lock.
 */
final class Exposition implements AutoCloseable {
    private final Metrics metrics;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Set<RequestDurations> routes = new HashSet<>();
    private final Set<String> jobs = new HashSet<>();
    private final Map<String, Meter[]> listeners = new HashMap<>();
    private final Map<String, Gauge> certificates = new HashMap<>();
    /** What the gauges of the current scrape read: filled before each scrape. */
    private final Map<String, Integer> connections = new HashMap<>();
    private final Map<String, Integer> streams = new HashMap<>();
    private final Map<String, Double> expiry = new HashMap<>();
    private boolean tls;
    private boolean acme;

    Exposition(Metrics metrics) {
        this.metrics = metrics;
        PrometheusRegistry prometheus = new PrometheusRegistry();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus, Clock.SYSTEM);
        // Micrometer's process.cpu.time counts nanoseconds (process_cpu_time_ns_total, which promtool's lint
        // refuses); Prometheus' own name for it is process_cpu_seconds_total, in seconds
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        // and system_cpu_count reads as the count of a histogram there: system_cpus
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
            }
        });
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time the process has used").register(registry);
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        prometheus.register(new Histograms(metrics));
    }

    String scrape() {
        refresh();
        return registry.scrape();
    }

    /** Adds meters for what is new since the last scrape and reads what the gauges show. */
    private void refresh() {
        for (RequestDurations route : metrics.routeCounts()) {
            if (routes.add(route)) {
                Tags tags = Tags.of("host", route.host(), "app", route.route());
                Gauge.builder("http.server.active_requests", route, RequestDurations::inFlight).tags(tags)
                        .description("Requests being served (OpenTelemetry's http.server.active_requests)")
                        .strongReference(true).register(registry);
                FunctionCounter.builder("container.http.request.body", route, RequestDurations::bytesRead).tags(tags)
                        .baseUnit("bytes").description("Request body bytes read").register(registry);
                FunctionCounter.builder("container.http.response.body", route, RequestDurations::bytesSent).tags(tags)
                        .baseUnit("bytes").description("Response body bytes sent").register(registry);
            }
        }
        refreshListeners();
        if (metrics.tls() && !tls) {
            tls = true;
            for (boolean resumed : new boolean[] {false, true}) {
                FunctionCounter.builder("container.tls.handshakes", metrics, m -> m.handshakes(resumed))
                        .tag("kind", resumed ? "resumed" : "full")
                        .description("TLS handshakes completed: full, or resuming a session (ticket or id)")
                        .register(registry);
            }
            for (String reason : Metrics.HANDSHAKE_FAILURES) {
                FunctionCounter.builder("container.tls.handshake.failures", metrics, m -> m.handshakeFailures(reason))
                        .tag("reason", reason).description("TLS handshakes that failed, by reason").register(registry);
            }
        }
        if (metrics.tls()) {
            refreshCertificates();
        }
        if (metrics.acme() && !acme) {
            acme = true;
            for (String outcome : Metrics.ORDER_OUTCOMES) {
                FunctionCounter.builder("container.acme.orders", metrics, m -> m.orders(outcome)).tag("outcome", outcome)
                        .description("ACME certificate orders, by how they ended").register(registry);
            }
        }
        metrics.jobCounts().forEach((job, counts) -> {
            if (jobs.add(job)) {
                for (JobRun.Result result : JobRun.Result.values()) {
                    FunctionCounter.builder("container.job.runs", counts.byResult().get(result), a -> a.sum())
                            .tags("job", job, "outcome", result.name().toLowerCase(Locale.ROOT))
                            .description("Job runs, by outcome (skipped: not run, an earlier run was still going)")
                            .register(registry);
                }
            }
        });
    }

    private void refreshListeners() {
        connections.clear();
        streams.clear();
        HttpServer server = metrics.server();
        if (server == null) {
            return;
        }
        Map<ListenerSpec, InetSocketAddress> bound = server.addresses();
        server.openConnections().forEach((spec, n) -> connections.put(label(spec, bound.get(spec)), n));
        server.http2Streams().forEach((spec, n) -> streams.put(label(spec, bound.get(spec)), n));
        for (String listener : Set.copyOf(listeners.keySet())) {
            if (!connections.containsKey(listener)) {
                for (Meter meter : listeners.remove(listener)) {
                    if (meter != null) {
                        registry.remove(meter);
                    }
                }
            }
        }
        for (String listener : connections.keySet()) {
            listeners.computeIfAbsent(listener, l -> new Meter[] {
                Gauge.builder("container.http.connections.open", connections, c -> c.getOrDefault(l, 0))
                        .tag("listener", l).description("Connections open on the listener").register(registry),
                streams.containsKey(l)
                        ? Gauge.builder("container.http2.streams.open", streams, s -> s.getOrDefault(l, 0))
                                .tag("listener", l).description("HTTP/2 streams with a request running on the listener")
                                .register(registry)
                        : null});
        }
    }

    /** "https://0.0.0.0:8443": the listener as configured, with its real port. */
    private static String label(ListenerSpec spec, InetSocketAddress bound) {
        return spec.scheme() + "://" + spec.authority(bound == null ? spec.port() : bound.getPort());
    }

    /** The seconds left of the certificate served for each name (the soonest to expire, when several are). */
    private void refreshCertificates() {
        expiry.clear();
        Instant now = Instant.now();
        for (CertificateStore.Served served : metrics.servedCertificates()) {
            double left = (served.certificate().leaf().getNotAfter().getTime() - now.toEpochMilli()) / 1000.0;
            for (String name : served.certificate().names()) {
                expiry.merge(name, left, Math::min);
            }
        }
        for (String name : Set.copyOf(certificates.keySet())) {
            if (!expiry.containsKey(name)) {
                registry.remove(certificates.remove(name));
            }
        }
        for (String name : expiry.keySet()) {
            certificates.computeIfAbsent(name, n -> Gauge.builder("container.tls.certificate.expiry", expiry,
                            e -> e.getOrDefault(n, Double.NaN)).tag("name", n).baseUnit("seconds")
                    .description("Seconds until the certificate served for the name expires (negative: expired)")
                    .register(registry));
        }
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
