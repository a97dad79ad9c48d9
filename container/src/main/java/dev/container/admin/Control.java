package dev.container.admin;

import dev.container.jobs.JobStatus;
import dev.container.server.RequestStats;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the admin channel sees and does of a running container: the one interface between the
 * control API ({@link AdminServer}) and the server, which implements it. The admin side holds
 * nothing else of the server.
 *
 * <p>Reads (status, health, apps, jobs, certificates) take no lock that a reload, a redeploy or
 * the shutdown holds, so they answer while those run. Actions run one at a time and return when
 * done (a redeploy, after the new version started and the old one drained); {@link #stop} and
 * {@link #renew} only begin their work. Called on the admin channel's threads.
 */
public interface Control {
    Status status();

    /** Whether the server should get traffic: every app started (or failed but optional), every listener open, not draining. */
    Readiness readiness();

    /** Every app of the running configuration, in its order. */
    List<AppView> apps();

    Optional<AppView> app(AppRef ref);

    /** Deploys the app again from its source beside the running version and swaps it in (no failed request). */
    AppAction redeploy(AppRef ref);

    /** Stops the app once its running requests are done; from then on its path answers 503. */
    AppAction stopApp(AppRef ref);

    /** Starts a stopped or failed app. */
    AppAction startApp(AppRef ref);

    /** What SIGHUP does: the configuration read again and applied, or refused with every problem. */
    ReloadOutcome reload();

    /** Begins the graceful stop of SIGTERM and returns at once. */
    void stop();

    List<JobStatus> jobs();

    Optional<JobStatus> job(String name);

    /** Runs the job now, beside its schedule; false when there is no such job. */
    boolean runJob(String name);

    /** Stops the job's schedule (runs by hand still work) until resumed; false when there is no such job. */
    boolean pauseJob(String name);

    boolean resumeJob(String name);

    /** Every certificate served (files, the local CA's, ACME's), and the ACME hosts still waiting for one. */
    List<CertificateView> certificates();

    /** Orders a new certificate for the ACME host that has that name (or host id), in the background. */
    RenewOutcome renew(String name);

    /**
     * The server as a whole.
     *
     * @param configFile the file the configuration is read from, empty when started from flags only
     * @param generation how many times the running configuration changed (reloads, redeploys, app stops and starts)
     * @param tlsProvider the HTTPS listeners' TLS implementation ("conscrypt" or "jdk"), empty without HTTPS
     * @param appStates how many apps are in each state
     * @param lastReload the last reload (applied or refused) since the start
     * @param services the running parts in start order
     * @param cluster the shared storage and the nodes of the cluster; empty with the state directory's storage
     */
    record Status(String version, long pid, Instant startedAt, Optional<Path> configFile, Path stateDir,
                  long generation, Optional<String> tlsProvider, boolean draining, List<Listener> listeners,
                  int apps, Map<AppState, Integer> appStates, int certificates, int jobs,
                  Optional<ReloadOutcome> lastReload, List<ServiceView> services, Optional<Cluster> cluster) {
        public Status {
            listeners = List.copyOf(listeners);
            appStates = Map.copyOf(appStates);
            services = List.copyOf(services);
        }
    }

    /**
     * The cluster this server is a node of ({@code storage { type = postgres }}).
     *
     * @param storage "postgres"
     * @param url the database's JDBC URL, without a password
     * @param reachable whether the database answered this node's last heartbeat
     * @param since since when it has been reachable, or not
     * @param error why it is not (or why the nodes could not be read), one line
     * @param self this node's id
     * @param nodes every node's heartbeat row, oldest start first (empty when they cannot be read now)
     */
    record Cluster(String storage, String url, String schemaVersion, boolean reachable, Instant since,
                   Optional<String> error, String self, List<Node> nodes) {
        public Cluster {
            nodes = List.copyOf(nodes);
        }
    }

    /**
     * A node of the cluster, as its heartbeat row shows it.
     *
     * @param id new at each start of the node's process
     * @param lastSeen its last heartbeat (the database's clock)
     * @param alive whether it was seen lately (within three heartbeats)
     * @param self whether it is this server
     */
    record Node(String id, String host, long pid, String version, Instant startedAt, Instant lastSeen, boolean alive,
                boolean self) {
    }

    /**
     * One of the container's running parts (certificates, apps, listeners, jobs, admin ...).
     *
     * @param state running, or stopped once the shutdown has reached it
     * @param detail how it is doing, one line (may be empty)
     */
    record ServiceView(String name, String state, Instant startedAt, String detail) {
    }

    /** An open listener: its URL (the real port) and the protocols it speaks: h1, h2 (over TLS), h2c. */
    record Listener(URI url, List<String> protocols) {
        public Listener {
            protocols = List.copyOf(protocols);
        }
    }

    /** @param reasons why not, one line each (empty when ready) */
    record Readiness(boolean ready, List<String> reasons) {
        public Readiness {
            reasons = List.copyOf(reasons);
        }
    }

    /** An app's lifecycle as the API shows it; LAZY: {@code start = lazy}, not started yet (its first request starts it). */
    enum AppState {
        STARTING, RUNNING, FAILED, STOPPING, STOPPED, LAZY
    }

    /**
     * One app.
     *
     * @param ref how to address it (the API path, the CLI argument)
     * @param hosts the ids of the hosts it is served on (the default host's when the configuration names none)
     * @param reason why it failed, one line; empty unless failed
     * @param optional whether a failed start leaves the server ready (the app's {@code optional} key)
     * @param startedAt when its running version finished starting; empty unless running
     * @param deployTime how long its last start took; empty before one ended
     */
    record AppView(AppRef ref, List<String> hosts, String contextPath, Path source, boolean exploded, AppState state,
                   Optional<String> reason, boolean optional, Optional<Instant> startedAt,
                   Optional<Duration> deployTime, RequestStats.Snapshot requests) {
        public AppView {
            hosts = List.copyOf(hosts);
        }
    }

    /** The answer to an app action, with the app as it is afterwards. */
    record AppAction(Result result, Optional<AppView> app, String detail) {
        public enum Result {
            /** Done: redeployed, stopped or started (or already so). */
            DONE,
            /** No app at that host and path. */
            NOT_FOUND,
            /** The new version did not start; the running one (if any) stays. */
            FAILED,
            /** Not possible now: the app is stopped (redeploy), or the server is stopping. */
            CONFLICT
        }
    }

    /**
     * A reload, applied or not.
     *
     * @param problems for INVALID, every problem as {@code container validate} prints it; for
     *                 UNAVAILABLE, why there was nothing to do
     */
    record ReloadOutcome(Result result, Instant at, Duration took, List<String> problems, Changes changes) {
        public enum Result {
            APPLIED,
            /** The configuration has problems; the running one stays. */
            INVALID,
            /** Nothing to reload: no config file, or the server is stopping. */
            UNAVAILABLE
        }

        public ReloadOutcome {
            problems = List.copyOf(problems);
        }

        public static ReloadOutcome refused(Result result, Instant at, Duration took, List<String> problems) {
            return new ReloadOutcome(result, at, took, problems, Changes.NONE);
        }
    }

    /**
     * What a reload changed. Apps are named as the log names them ({@code main:/shop}, {@code /blog}).
     *
     * @param appsFailed apps among appsStarted whose start failed (they answer 503)
     * @param listenerProblems listeners that could not be opened (the others were)
     * @param restartNeeded settings that changed but take effect at the next start, by their config key
     */
    record Changes(List<String> appsStarted, List<String> appsFailed, List<String> appsStopped,
                   List<String> appsUnchanged, List<URI> listenersOpened, List<URI> listenersClosed,
                   List<String> listenerProblems, List<String> jobsAdded, List<String> jobsRemoved,
                   List<String> jobsChanged, List<String> restartNeeded) {
        public static final Changes NONE = new Changes(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of());

        public Changes {
            appsStarted = List.copyOf(appsStarted);
            appsFailed = List.copyOf(appsFailed);
            appsStopped = List.copyOf(appsStopped);
            appsUnchanged = List.copyOf(appsUnchanged);
            listenersOpened = List.copyOf(listenersOpened);
            listenersClosed = List.copyOf(listenersClosed);
            listenerProblems = List.copyOf(listenerProblems);
            jobsAdded = List.copyOf(jobsAdded);
            jobsRemoved = List.copyOf(jobsRemoved);
            jobsChanged = List.copyOf(jobsChanged);
            restartNeeded = List.copyOf(restartNeeded);
        }
    }

    /** Where a certificate comes from. */
    enum CertificateSource {
        /** Certificate files of the configuration ({@code certificates}, {@code --cert}). */
        FILES,
        /** The local development CA ({@code --dev}, {@code tls = local}). */
        LOCAL_CA,
        /** An ACME CA, for a host with {@code tls = auto}. */
        ACME
    }

    /**
     * One certificate.
     *
     * @param name the name it is listed under: its first name, or for ACME the host's first name
     * @param notBefore empty for an ACME host that has no certificate yet
     * @param files the files it was read from (certificate, then key when apart)
     * @param acme the renewal state, for ACME certificates
     */
    record CertificateView(String name, List<String> names, String issuer, Optional<Instant> notBefore,
                           Optional<Instant> notAfter, CertificateSource source, List<Path> files,
                           Optional<AcmeState> acme) {
        public CertificateView {
            names = List.copyOf(names);
            files = List.copyOf(files);
        }
    }

    /**
     * What the ACME maintenance knows of a host's certificate.
     *
     * @param renewAt when it will be renewed (the earlier of a third of the lifetime left and the
     *                CA's ARI time); empty without a certificate (ordered at the next check)
     * @param ariWindow the CA's suggested renewal window (ARI), when it gave one
     * @param nextAttempt when a failed order is tried again; empty when nothing failed
     * @param lastError the last failure, one line; empty after a success
     */
    record AcmeState(String host, Optional<Instant> renewAt, Optional<Window> ariWindow, Optional<Instant> nextAttempt,
                     int failures, Optional<String> lastError, Optional<Instant> lastErrorAt, boolean renewRequested) {
    }

    record Window(Instant start, Instant end) {
    }

    enum RenewOutcome {
        /** The order begins now, in the background. */
        STARTED,
        NOT_FOUND,
        /** The certificate comes from files or the local CA: nothing to order. */
        NOT_ACME
    }
}
