package dev.container.metrics;

import dev.container.Service;
import dev.container.StartupError;
import dev.container.acme.OrderListener;
import dev.container.config.HostSpec;
import dev.container.config.MetricsSpec;
import dev.container.jobs.JobRun;
import dev.container.jobs.RunListener;
import dev.container.server.DurationHistogram;
import dev.container.server.HttpServer;
import dev.container.server.RequestDurations;
import dev.container.server.Route;
import dev.container.server.RouteWrapper;
import dev.container.tls.CertificateStore;
import dev.container.tls.HandshakeListener;
import java.io.IOException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The container's Prometheus metrics: counts kept while the server runs, read by a scrape
 * ({@code GET /metrics} on the admin channel, and on the listener of {@code metrics.listen}).
 *
 * <p>Counting never touches Micrometer: the hooks handed to the parts ({@link #routes},
 * {@link #handshakes}, {@link #jobRuns}, {@link #acmeOrders}) add to {@link LongAdder}s and
 * fixed-bucket histograms of their own, made once per route, reason or job. The Micrometer
 * registry ({@link Exposition}) is made by the first scrape, which registers meters that read those
 * counts (and Micrometer's JVM and process binders): a server nobody scrapes pays no start-up
 * time and no memory for it, and Micrometer's classes stay in the container's class loader, which
 * apps never see. With {@code metrics = off} every hook is a no-op and nothing is counted.
 *
 * <p>A {@link Service}: {@link #start} opens the metrics' own listener when the plan has one,
 * {@link #stop} closes it. Hooks may be called from any thread; scrapes are serialized.
 */
public final class Metrics implements Service {
    /** The reasons a handshake fails ({@link HandshakeListener#failed}), each a series from the start. */
    static final List<String> HANDSHAKE_FAILURES = List.of("protocol_version", "no_shared_cipher",
            "certificate_refused", "no_certificate", "not_tls", "alert", "closed", "other");
    /** How ACME orders end ({@link OrderListener}), each a series from the start. */
    static final List<String> ORDER_OUTCOMES = List.of("issued", "rate_limited", "network", "challenge_failed",
            "refused", "failed");

    private final MetricsSpec spec;
    /** Every route ever served, by host id and prefix: kept across reloads, so counts only grow. */
    private final Map<String, RequestDurations> routes = new ConcurrentHashMap<>();
    private final LongAdder fullHandshakes = new LongAdder();
    private final LongAdder resumedHandshakes = new LongAdder();
    private final Map<String, LongAdder> handshakeFailures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> orders = new ConcurrentHashMap<>();
    private final Map<String, JobCounts> jobs = new ConcurrentHashMap<>();
    private volatile boolean tls;
    private volatile boolean acme;
    private volatile HttpServer server;
    private volatile Supplier<List<CertificateStore.Served>> certificates = List::of;
    /** Made by the first scrape; guarded by this. */
    private Exposition exposition;
    private volatile MetricsListener listener;
    /** After {@link #stop}: no registry is made again. Guarded by this. */
    private boolean stopped;

    /** One job's runs: by outcome, and how long those that ran took. */
    record JobCounts(Map<JobRun.Result, LongAdder> byResult, DurationHistogram durations) {
        static JobCounts create() {
            Map<JobRun.Result, LongAdder> byResult = new EnumMap<>(JobRun.Result.class);
            for (JobRun.Result result : JobRun.Result.values()) {
                byResult.put(result, new LongAdder());
            }
            return new JobCounts(byResult, new DurationHistogram(DurationHistogram.JOB_SECONDS));
        }
    }

    public Metrics(MetricsSpec spec) {
        this.spec = spec;
        for (String reason : HANDSHAKE_FAILURES) {
            handshakeFailures.put(reason, new LongAdder());
        }
        for (String outcome : ORDER_OUTCOMES) {
            orders.put(outcome, new LongAdder());
        }
    }

    public boolean enabled() {
        return spec.enabled();
    }

    @Override
    public String name() {
        return "metrics";
    }

    /** Opens the metrics' own listener, when the plan has one; a {@link StartupError} when it cannot. */
    @Override
    public synchronized void start() {
        if (spec.listen().isPresent() && listener == null && !stopped) {
            try {
                listener = MetricsListener.start(spec.listen().get(), spec.token(), this);
            } catch (IOException e) {
                throw new StartupError("metrics listener on " + spec.listen().get().authority(spec.listen().get().port())
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /** Closes the own listener and the registry's JVM listeners. Safe to call twice. */
    @Override
    public synchronized void stop() {
        stopped = true;
        if (listener != null) {
            listener.close();
            listener = null;
        }
        if (exposition != null) {
            exposition.close();
            exposition = null;
        }
    }

    @Override
    public String describe() {
        if (!enabled()) {
            return "off";
        }
        return "GET /metrics on the admin channel" + listenerUrl().map(url -> " and at " + url + "metrics").orElse("");
    }

    /** The URL of the metrics' own listener, when it runs. */
    public Optional<String> listenerUrl() {
        MetricsListener l = listener;
        return l == null ? Optional.empty() : Optional.of(l.url());
    }

    /** What the router serves each route with: counted per host and route ({@link RequestDurations}). */
    public RouteWrapper routes() {
        if (!enabled()) {
            return RouteWrapper.NONE;
        }
        return (HostSpec host, Route route) -> routes
                .computeIfAbsent(host.id() + " " + route.prefix(), k -> new RequestDurations(host.id(), route.prefix()))
                .wrap(route.handler());
    }

    /** What the HTTPS listeners tell each handshake's end to; null when metrics are off (nothing watched). */
    public HandshakeListener handshakes() {
        if (!enabled()) {
            return null;
        }
        tls = true;
        return new HandshakeListener() {
            @Override
            public void completed(boolean resumed) {
                (resumed ? resumedHandshakes : fullHandshakes).increment();
            }

            @Override
            public void failed(String reason) {
                handshakeFailures.getOrDefault(reason, handshakeFailures.get("other")).increment();
            }
        };
    }

    /** What the jobs tell each run's end to. */
    public RunListener jobRuns() {
        if (!enabled()) {
            return RunListener.NONE;
        }
        return (job, result, took) -> {
            JobCounts counts = jobs.computeIfAbsent(job, j -> JobCounts.create());
            counts.byResult().get(result).increment();
            if (result != JobRun.Result.SKIPPED) {
                counts.durations().record(took.toNanos());
            }
        };
    }

    /** What ACME tells each order's end to. */
    public OrderListener acmeOrders() {
        if (!enabled()) {
            return OrderListener.NONE;
        }
        acme = true;
        return outcome -> orders.getOrDefault(outcome, orders.get("failed")).increment();
    }

    /** The server whose listeners' connections and HTTP/2 streams are shown, and the certificates served. */
    public void watch(HttpServer httpServer, Supplier<List<CertificateStore.Served>> served) {
        this.server = httpServer;
        this.certificates = served;
    }

    /**
     * The metrics in Prometheus' text format (version 0.0.4), or empty when they are off (or
     * stopped). The first call makes the registry.
     */
    public synchronized Optional<String> scrape() {
        if (!enabled() || stopped) {
            return Optional.empty();
        }
        if (exposition == null) {
            exposition = new Exposition(this);
        }
        return Optional.of(exposition.scrape());
    }

    /** The content type of {@link #scrape}'s text. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    // what the exposition reads

    Collection<RequestDurations> routeCounts() {
        return routes.values();
    }

    boolean tls() {
        return tls;
    }

    boolean acme() {
        return acme;
    }

    long handshakes(boolean resumed) {
        return (resumed ? resumedHandshakes : fullHandshakes).sum();
    }

    long handshakeFailures(String reason) {
        return handshakeFailures.get(reason).sum();
    }

    long orders(String outcome) {
        return orders.get(outcome).sum();
    }

    Map<String, JobCounts> jobCounts() {
        return jobs;
    }

    HttpServer server() {
        return server;
    }

    List<CertificateStore.Served> servedCertificates() {
        return certificates.get();
    }
}
