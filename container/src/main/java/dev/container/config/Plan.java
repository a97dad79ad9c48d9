package dev.container.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the server needs to know, validated and immutable. Built from the command line
 * and a config file by {@link PlanBuilder} and {@link ConfigFile}; the server is built from it and
 * nothing else. Plans are values: two plans from the same input are equal, and so are their
 * parts, which is what a reload compares to find what changed (the records carry no file
 * positions for that reason: an app moved three lines down is the same app).
 *
 * @param shutdownTimeout how long in-flight requests may take to finish after SIGTERM
 * @param hosts the virtual hosts, exactly one of them the default
 * @param dev development mode ({@code --dev}): apps redeploy when their WAR or classes change,
 *            error pages show stack traces
 * @param certs the certificates of the HTTPS listeners, the first the default for clients without SNI
 * @param tlsProvider the TLS implementation of the HTTPS listeners
 * @param tlsProfile the protocols and cipher suites of the HTTPS listeners
 * @param jobs the scheduled jobs, unique by name
 * @param admin where the admin channel listens (a loopback address), or empty for none
 * @param acme how hosts with {@code tls = auto} get their certificates
 * @param logins how logins against the users file are guarded (lockout)
 * @param metrics whether the server counts for Prometheus, and where else than the admin channel it serves them
 * @param storage where the state several nodes may share lives: the state directory, or a database
 */
public record Plan(List<ListenerSpec> listeners, List<AppSpec> apps, List<StaticSpec> statics,
                   Path stateDir, Duration shutdownTimeout, List<HostSpec> hosts, Limits limits,
                   LoggingSpec logging, boolean dev, List<CertSpec> certs, TlsProvider tlsProvider,
                   TlsProfile tlsProfile, List<JobSpec> jobs, Optional<ListenerSpec> admin, AcmeSpec acme,
                   LoginsSpec logins, MetricsSpec metrics, StorageSpec storage) {
    public Plan {
        Objects.requireNonNull(logins, "logins");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(metrics, "metrics");
        jobs = List.copyOf(jobs);
        if (jobs.stream().map(JobSpec::name).distinct().count() != jobs.size()) {
            throw new IllegalArgumentException("two jobs of one name: " + jobs.stream().map(JobSpec::name).toList());
        }
        certs = List.copyOf(certs);
        Objects.requireNonNull(tlsProvider, "tlsProvider");
        Objects.requireNonNull(tlsProfile, "tlsProfile");
        listeners = List.copyOf(listeners);
        apps = List.copyOf(apps);
        statics = List.copyOf(statics);
        hosts = List.copyOf(hosts);
        if (hosts.stream().filter(HostSpec::isDefault).count() != 1) {
            throw new IllegalArgumentException("a plan needs exactly one default host, got " + hosts);
        }
        Set<String> ids = new HashSet<>();
        for (HostSpec host : hosts) {
            if (!ids.add(host.id())) {
                throw new IllegalArgumentException("host id " + host.id() + " given twice");
            }
        }
        for (AppSpec app : apps) {
            if (!ids.containsAll(app.hosts())) {
                throw new IllegalArgumentException("app " + app.contextPath() + " names an unknown host: " + app.hosts());
            }
        }
        for (StaticSpec mount : statics) {
            if (!ids.containsAll(mount.hosts())) {
                throw new IllegalArgumentException("static " + mount.prefix() + " names an unknown host: " + mount.hosts());
            }
        }
    }

    /** A plan whose shared state lives in the state directory ({@link StorageSpec#FILES}). */
    public Plan(List<ListenerSpec> listeners, List<AppSpec> apps, List<StaticSpec> statics,
                Path stateDir, Duration shutdownTimeout, List<HostSpec> hosts, Limits limits,
                LoggingSpec logging, boolean dev, List<CertSpec> certs, TlsProvider tlsProvider,
                TlsProfile tlsProfile, List<JobSpec> jobs, Optional<ListenerSpec> admin, AcmeSpec acme,
                LoginsSpec logins, MetricsSpec metrics) {
        this(listeners, apps, statics, stateDir, shutdownTimeout, hosts, limits, logging, dev, certs, tlsProvider,
                tlsProfile, jobs, admin, acme, logins, metrics, StorageSpec.FILES);
    }

    /** A plan for production (not dev mode). */
    public Plan(List<ListenerSpec> listeners, List<AppSpec> apps, List<StaticSpec> statics, Path stateDir,
                Duration shutdownTimeout, List<HostSpec> hosts, Limits limits, LoggingSpec logging) {
        this(listeners, apps, statics, stateDir, shutdownTimeout, hosts, limits, logging, false, List.of());
    }

    /** A plan whose HTTPS listeners (if any) take Conscrypt where it loads, without jobs, an admin channel or ACME settings, with the default login lockout and metrics. */
    public Plan(List<ListenerSpec> listeners, List<AppSpec> apps, List<StaticSpec> statics, Path stateDir,
                Duration shutdownTimeout, List<HostSpec> hosts, Limits limits, LoggingSpec logging, boolean dev,
                List<CertSpec> certs) {
        this(listeners, apps, statics, stateDir, shutdownTimeout, hosts, limits, logging, dev, certs, TlsProvider.AUTO,
                TlsProfile.INTERMEDIATE, List.of(), Optional.empty(), AcmeSpec.DEFAULT, LoginsSpec.DEFAULT,
                MetricsSpec.DEFAULT);
    }

    /** The hosts whose certificates come from ACME ({@code tls = auto}), in plan order. */
    public List<HostSpec> autoTlsHosts() {
        return hosts.stream().filter(h -> h.tls() == HostTls.AUTO).toList();
    }

    /** The host that answers requests for names no other host claims. */
    public HostSpec defaultHost() {
        return hosts.stream().filter(HostSpec::isDefault).findFirst().orElseThrow();
    }

    /** The apps served on host, in plan order. */
    public List<AppSpec> appsOn(HostSpec host) {
        return apps.stream().filter(a -> on(a.hosts(), host)).toList();
    }

    /** The static mounts served on host, in plan order. */
    public List<StaticSpec> staticsOn(HostSpec host) {
        return statics.stream().filter(s -> on(s.hosts(), host)).toList();
    }

    private static boolean on(List<String> hostIds, HostSpec host) {
        return hostIds.isEmpty() ? host.isDefault() : hostIds.contains(host.id());
    }
}
