package dev.container.admin;

import dev.container.jobs.JobRun;
import dev.container.jobs.JobStatus;
import dev.container.server.RequestStats;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON shapes of the control API, in one place (docs/operations.md, "Control API", shows each):
 * camelCase keys, every key always present (null when it has no value), times as ISO-8601 UTC
 * instants, durations in milliseconds under a name ending in {@code Millis}, enum values in lower case with
 * words joined by '-' ({@code timed-out}).
 * A key is never renamed or removed; new ones may be added. Stateless.
 */
public final class ApiJson {
    private ApiJson() {
    }

    static Map<String, Object> status(Control.Status s, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", s.version());
        m.put("pid", s.pid());
        m.put("startedAt", s.startedAt().toString());
        m.put("uptimeSeconds", Duration.between(s.startedAt(), now).toSeconds());
        m.put("configFile", s.configFile().map(Object::toString).orElse(null));
        m.put("stateDir", s.stateDir().toString());
        m.put("generation", s.generation());
        m.put("tlsProvider", s.tlsProvider().orElse(null));
        m.put("draining", s.draining());
        m.put("listeners", s.listeners().stream().map(l -> {
            Map<String, Object> listener = new LinkedHashMap<>();
            listener.put("url", l.url().toString());
            listener.put("protocols", l.protocols());
            return listener;
        }).toList());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("apps", s.apps());
        counts.put("certificates", s.certificates());
        counts.put("jobs", s.jobs());
        m.put("counts", counts);
        Map<String, Object> states = new LinkedHashMap<>();
        for (Control.AppState state : Control.AppState.values()) {
            states.put(value(state), s.appStates().getOrDefault(state, 0));
        }
        m.put("appStates", states);
        m.put("lastReload", s.lastReload().map(ApiJson::reload).orElse(null));
        m.put("services", s.services().stream().map(v -> {
            Map<String, Object> service = new LinkedHashMap<>();
            service.put("name", v.name());
            service.put("state", v.state());
            service.put("startedAt", v.startedAt().toString());
            service.put("detail", v.detail());
            return service;
        }).toList());
        m.put("cluster", s.cluster().map(ApiJson::cluster).orElse(null));
        return m;
    }

    static Map<String, Object> cluster(Control.Cluster c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("storage", c.storage());
        m.put("url", c.url());
        m.put("schemaVersion", c.schemaVersion());
        m.put("database", c.reachable() ? "reachable" : "unreachable");
        m.put("since", c.since().toString());
        m.put("error", c.error().orElse(null));
        m.put("self", c.self());
        m.put("nodes", c.nodes().stream().map(n -> {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", n.id());
            node.put("host", n.host());
            node.put("pid", n.pid());
            node.put("version", n.version());
            node.put("startedAt", n.startedAt().toString());
            node.put("lastSeen", n.lastSeen().toString());
            node.put("state", n.alive() ? "alive" : "gone");
            node.put("self", n.self());
            return node;
        }).toList());
        return m;
    }

    static Map<String, Object> readiness(Control.Readiness r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", r.ready() ? "ready" : "not-ready");
        m.put("reasons", r.reasons());
        return m;
    }

    static Map<String, Object> app(Control.AppView a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.ref().id());
        m.put("name", a.ref().toString());
        m.put("hosts", a.hosts());
        m.put("contextPath", a.contextPath());
        m.put("source", a.source().toString());
        m.put("exploded", a.exploded());
        m.put("state", value(a.state()));
        m.put("reason", a.reason().orElse(null));
        m.put("optional", a.optional());
        m.put("startedAt", a.startedAt().map(Object::toString).orElse(null));
        m.put("deployMillis", a.deployTime().map(Duration::toMillis).orElse(null));
        RequestStats.Snapshot r = a.requests();
        Map<String, Object> requests = new LinkedHashMap<>();
        requests.put("total", r.total());
        requests.put("1xx", r.informational());
        requests.put("2xx", r.success());
        requests.put("3xx", r.redirection());
        requests.put("4xx", r.clientError());
        requests.put("5xx", r.serverError());
        requests.put("inFlight", r.inFlight());
        m.put("requests", requests);
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("windowSeconds", RequestStats.SLOT_SECONDS * RequestStats.SLOTS);
        latency.put("count", r.windowCount());
        latency.put("meanMillis", r.meanMillis());
        latency.put("p99Millis", r.p99Millis());
        m.put("latency", latency);
        return m;
    }

    static Map<String, Object> reload(Control.ReloadOutcome r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("result", value(r.result()));
        m.put("at", r.at().toString());
        m.put("tookMillis", r.took().toMillis());
        m.put("problems", r.problems());
        Control.Changes c = r.changes();
        Map<String, Object> apps = new LinkedHashMap<>();
        apps.put("started", c.appsStarted());
        apps.put("failed", c.appsFailed());
        apps.put("stopped", c.appsStopped());
        apps.put("unchanged", c.appsUnchanged());
        m.put("apps", apps);
        Map<String, Object> listeners = new LinkedHashMap<>();
        listeners.put("opened", c.listenersOpened().stream().map(Object::toString).toList());
        listeners.put("closed", c.listenersClosed().stream().map(Object::toString).toList());
        listeners.put("problems", c.listenerProblems());
        m.put("listeners", listeners);
        Map<String, Object> jobs = new LinkedHashMap<>();
        jobs.put("added", c.jobsAdded());
        jobs.put("removed", c.jobsRemoved());
        jobs.put("changed", c.jobsChanged());
        m.put("jobs", jobs);
        m.put("restartNeeded", c.restartNeeded());
        return m;
    }

    public static Map<String, Object> certificate(Control.CertificateView c, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("names", c.names());
        m.put("issuer", c.issuer().isEmpty() ? null : c.issuer());
        m.put("notBefore", c.notBefore().map(Object::toString).orElse(null));
        m.put("notAfter", c.notAfter().map(Object::toString).orElse(null));
        m.put("daysLeft", c.notAfter().map(t -> Duration.between(now, t).toDays()).orElse(null));
        m.put("source", value(c.source()));
        m.put("state", certificateState(c, now));
        m.put("files", c.files().stream().map(Object::toString).toList());
        m.put("acme", c.acme().map(ApiJson::acme).orElse(null));
        return m;
    }

    /**
     * missing (an ACME host still waiting for its first certificate), expired, failing (the last
     * ACME order failed), renewal-due (ACME renews it at the next check), or valid.
     */
    static String certificateState(Control.CertificateView c, Instant now) {
        if (c.notAfter().isEmpty()) {
            return "missing";
        }
        if (!now.isBefore(c.notAfter().get())) {
            return "expired";
        }
        if (c.acme().flatMap(Control.AcmeState::lastError).isPresent()) {
            return "failing";
        }
        if (c.acme().flatMap(Control.AcmeState::renewAt).filter(t -> !t.isAfter(now)).isPresent()) {
            return "renewal-due";
        }
        return "valid";
    }

    private static Map<String, Object> acme(Control.AcmeState a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", a.host());
        m.put("renewAt", instant(a.renewAt()));
        m.put("ariWindow", a.ariWindow().map(w -> Map.of("start", w.start().toString(), "end", w.end().toString()))
                .orElse(null));
        m.put("nextAttempt", instant(a.nextAttempt()));
        m.put("failures", a.failures());
        m.put("lastError", a.lastError().orElse(null));
        m.put("lastErrorAt", instant(a.lastErrorAt()));
        m.put("renewRequested", a.renewRequested());
        return m;
    }

    /** A job's status: times as ISO-8601 instants, durations in milliseconds; next is null while paused. */
    static Map<String, Object> job(JobStatus status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", status.name());
        m.put("schedule", status.schedule());
        m.put("action", status.action());
        m.put("running", status.running());
        m.put("paused", status.paused());
        m.put("next", status.paused() ? null : instant(status.nextFire()));
        m.put("runs", status.runs().stream().map(ApiJson::run).toList());
        return m;
    }

    private static Map<String, Object> run(JobRun run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", run.start().toString());
        m.put("millis", run.duration().toMillis());
        m.put("result", value(run.result()));
        m.put("detail", run.detail());
        m.put("output", run.output());
        m.put("manual", run.manual());
        m.put("node", run.node().orElse(null));
        return m;
    }

    /** One of the last warnings and errors of the log. */
    static Map<String, Object> logEntry(RecentLog.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("time", e.time().toString());
        m.put("level", e.level());
        m.put("logger", e.logger());
        m.put("message", e.message());
        m.put("exception", e.exception().isEmpty() ? null : e.exception());
        return m;
    }

    static List<Map<String, Object>> jobs(List<JobStatus> jobs) {
        return jobs.stream().map(ApiJson::job).toList();
    }

    /** An enum constant as the API writes it: TIMED_OUT -> timed-out. */
    static String value(Enum<?> constant) {
        return constant.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static String instant(Optional<Instant> t) {
        return t.map(Object::toString).orElse(null);
    }
}
