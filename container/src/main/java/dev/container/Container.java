package dev.container;

import dev.container.acme.CertificateManager;
import dev.container.acme.ClusterNodes;
import dev.container.config.AcmeSpec;
import dev.container.config.AppSpec;
import dev.container.config.CertSpec;
import dev.container.config.HostSpec;
import dev.container.config.HostTls;
import dev.container.config.ListenerSpec;
import dev.container.config.Plan;
import dev.container.config.StaticSpec;
import dev.container.config.TlsProvider;
import dev.container.config.Users;
import dev.container.admin.AdminServer;
import dev.container.admin.Control;
import dev.container.config.ConfigError;
import dev.container.server.RequestStats;
import dev.container.jobs.JobCluster;
import dev.container.jobs.JobContext;
import dev.container.jobs.Jobs;
import dev.container.metrics.Metrics;
import dev.container.deploy.DeploymentError;
import dev.container.deploy.IoResources;
import dev.container.deploy.LoginGuard;
import dev.container.deploy.SharedIndexes;
import dev.container.deploy.WarDeployment;
import dev.container.files.StaticFiles;
import dev.container.sessions.SharedSessions;
import dev.container.server.AccessLog;
import dev.container.server.BodyBuffering;
import dev.container.server.BodyTimeout;
import dev.container.server.HealthCheck;
import dev.container.server.HttpServer;
import dev.container.tls.CertificateCheck;
import dev.container.tls.CertificateStore;
import dev.container.tls.LocalCa;
import dev.container.tls.TlsAlpnChallenges;
import dev.container.tls.OcspStaples;
import dev.container.tls.TlsContext;
import dev.container.server.Route;
import dev.container.config.StorageSpec;
import dev.container.storage.FileStorage;
import dev.container.storage.Heartbeat;
import dev.container.storage.Node;
import dev.container.storage.Storage;
import dev.container.storage.StorageService;
import dev.container.server.Router;
import dev.container.server.Switch;
import dev.container.server.Unavailable;
import dev.container.server.WorkerShare;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.ServletContainer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the running server from a {@link Plan}. Apps are deployed first,
 * beside each other on one thread per core (a failing app is logged in one line and answers 503;
 * the others go on; an app with {@code start = lazy} waits for its first request), then the router
 * and the listeners start. {@link #close()} shuts down gracefully: stop accepting, let in-flight
 * requests finish (bounded by the plan's shutdown timeout), destroy the apps, close the listeners.
 * {@link #reload} applies a new plan while serving. start, reload and close are called from one
 * thread at a time (reload, redeploy, the app actions and close are synchronized). What the admin
 * channel reads ({@link ContainerControl}) is published in volatile snapshots, never under that
 * lock: it answers while a reload or the shutdown runs.
 */
public final class Container implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** Apps deployed at once at start and at a reload: one per core, as Tomcat's startStopThreads = 0. */
    private static final int DEPLOY_THREADS = Runtime.getRuntime().availableProcessors();
    private static final ThreadFactory DEPLOY_THREAD_FACTORY = new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "deploy-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    };

    /** The plan being served: the start's, then each reload's (less what needs a restart). Read by job threads. */
    private volatile Plan plan;
    /** The running apps in plan order, each with the deployment behind it (none after a failed start). */
    private final Map<AppSpec, Running> apps = new LinkedHashMap<>();
    private final Map<StaticSpec, HttpHandler> mounts = new HashMap<>();
    /** What the admin channel sees and does of this container. */
    private final ContainerControl control = new ContainerControl(this);
    /** The hosts' public health paths (health-path): ready as the control API's readiness says. */
    private final HttpHandler health = new HealthCheck(() -> control.readiness().ready());
    /** Request bodies read before an app's worker is taken, within one memory budget for all apps. */
    private final BodyBuffering bodies = new BodyBuffering(BodyBuffering.DEFAULT_BUDGET);
    private ServletContainer servlets;
    private IoResources io;
    /** Every app's logins pass it: the lockout counts of the whole server, kept across reloads. */
    private LoginGuard logins;
    private Switch routes;
    /** The listeners and the threads under them (a part in {@link #services} once they are open). */
    private HttpServer server;
    /**
     * The running parts in start order: certificates, OCSP stapling, the access log, the apps, the
     * listeners, ACME, the jobs, the admin channel (those the plan has). Found by type, stopped in
     * reverse; what the control API lists.
     */
    private final Services services = new Services();
    /**
     * Where the state the nodes of a cluster share lives: the state directory ({@link FileStorage}),
     * or the database of the storage part ({@link StorageService}, first in {@link #services}).
     */
    private Storage storage;
    /** The local CA's certificate, in dev mode for HTTPS without certificates of its own. */
    private Optional<CertSpec> localCertificate = Optional.empty();
    /** The HTTPS listeners' TLS provider (conscrypt or jdk, never auto); empty without HTTPS. */
    private Optional<TlsProvider> tlsProvider = Optional.empty();
    /** Changes of the running configuration: reloads, redeploys, app stops and starts. */
    private volatile int generation;
    private boolean closed;
    /** Set when the shutdown begins: the server is no longer ready. */
    private volatile boolean draining;
    private final Instant startedAt = Instant.now();
    private final Launcher launcher;
    /** Each app's request counts, by its spec: kept across redeploys, dropped with the app. */
    private final Map<AppSpec, RequestStats> stats = new ConcurrentHashMap<>();
    /** Apps between two states (starting, stopping) while an action on them runs. Guarded by this. */
    private final Map<AppSpec, Control.AppState> transitions = new LinkedHashMap<>();
    /** The apps as the admin channel sees them, republished after each change. */
    private volatile List<AppSnapshot> snapshots = List.of();
    private volatile Optional<Control.ReloadOutcome> lastReload = Optional.empty();
    /** Listeners the last reload could not open, one line each (empty when all are open). */
    private volatile List<String> listenerProblems = List.of();
    /**
     * The metrics: made first, as every part counts through its hooks (TLS handshakes, routes,
     * listeners, jobs, ACME orders); a part in {@link #services} (its own listener) once what it
     * counts is up. Never null after the start began; counts nothing when the plan turns it off.
     */
    private Metrics metrics;
    /**
     * The running apps' deployments, republished whole after each change, for job threads: they
     * must not take this object's lock, which close() holds while it waits for them.
     */
    private volatile Map<AppSpec, WarDeployment> deployed = Map.of();

    /**
     * An app as it runs: its deployment (null when it failed or was stopped, and answers 503) and
     * the handler its requests go to.
     *
     * @param state RUNNING, FAILED or STOPPED
     * @param reason why it failed, one line
     * @param startedAt when the running deployment finished starting
     * @param deployTime how long its last start took
     */
    private record Running(String instance, WarDeployment deployment, HttpHandler handler, Control.AppState state,
                           Optional<String> reason, Optional<Instant> startedAt, Optional<Duration> deployTime,
                           LazyStart lazy) {
        Running(String instance, WarDeployment deployment, HttpHandler handler, Control.AppState state,
                Optional<String> reason, Optional<Instant> startedAt, Optional<Duration> deployTime) {
            this(instance, deployment, handler, state, reason, startedAt, deployTime, null);
        }

        // A lazy app (lazy not null) is what its first request made of it: LAZY until then.

        @Override
        public WarDeployment deployment() {
            return lazy == null ? deployment : lazy.started().map(Started::deployment).orElse(null);
        }

        @Override
        public Control.AppState state() {
            return lazy == null ? state : lazy.started().map(Started::state).orElse(Control.AppState.LAZY);
        }

        @Override
        public Optional<String> reason() {
            return lazy == null ? reason : lazy.started().flatMap(Started::reason);
        }

        @Override
        public Optional<Instant> startedAt() {
            return lazy == null ? startedAt : lazy.started().flatMap(Started::at);
        }

        @Override
        public Optional<Duration> deployTime() {
            return lazy == null ? deployTime : lazy.started().map(Started::took);
        }
    }

    /**
     * What one start of an app came to: its deployment and the handler that serves it, or (deployment
     * null) the 503 it answers instead and why.
     */
    private record Started(WarDeployment deployment, HttpHandler handler, Optional<DeploymentError> error,
                           Optional<Instant> at, Duration took) {
        Control.AppState state() {
            return deployment == null ? Control.AppState.FAILED : Control.AppState.RUNNING;
        }

        /** Why it failed, one line: "shop: failed to start: java.lang.IllegalStateException: ..." less the app's name. */
        Optional<String> reason() {
            return error.map(e -> String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                    .replaceFirst("^[^:]*: failed to start: ", ""));
        }
    }

    /** An app as the admin channel sees it. */
    record AppSnapshot(AppSpec spec, Control.AppState state, Optional<String> reason, Optional<Instant> startedAt,
                       Optional<Duration> deployTime, RequestStats stats) {
    }

    /** What an app action did; detail is one line for the user. */
    record Action(Control.AppAction.Result result, String detail) {
    }

    private Container(Plan plan, Launcher launcher) {
        this.plan = plan;
        this.launcher = launcher;
    }

    /** Starts everything the plan names. Throws {@link StartupError} (having stopped what started) on failure. */
    public static Container start(Plan plan) {
        return start(plan, Launcher.EMBEDDED);
    }

    /** As {@link #start(Plan)}, for a launcher that can read the plan again and stop the process. */
    public static Container start(Plan plan, Launcher launcher) {
        long began = System.nanoTime();
        JulToContainerLog.install();
        Container container = new Container(plan, launcher);
        try {
            container.startAll();
        } catch (RuntimeException e) {
            container.close();
            throw e;
        }
        log.info("ready in {} ms", (System.nanoTime() - began) / 1_000_000);
        return container;
    }

    private void startAll() {
        LogSetup.apply(plan.logging()); // first: every line of this start in the plan's format
        prepareStateDir();
        if (plan.storage() instanceof StorageSpec.InPostgres shared) {
            // first: the other parts keep their state in it
            storage = services.start(new StorageService(shared, Node.self(Version.number(), startedAt, shared.node()))).storage();
        } else {
            storage = new FileStorage(plan.stateDir());
        }
        metrics = new Metrics(plan.metrics());
        servlets = Servlets.newContainer();
        if (localTls(plan)) {
            localCertificate = Optional.of(localCertificate(plan, plan.storage() instanceof StorageSpec.InPostgres ? storage : null));
        }
        SSLContext ssl = null;
        CertificateStore certificates = null;
        if (!plan.certs().isEmpty() || localCertificate.isPresent() || !plan.autoTlsHosts().isEmpty()) {
            certificates = services.start(new CertificateStore(served(plan)));
            // on the certificates the store has read: reading thousands of files twice would double the start
            CertificateCheck.warnings(plan, certificates.fromFiles().subList(0, plan.certs().size()), Instant.now())
                    .forEach(w -> log.warn("TLS: {}", w));
            OcspStaples staples = new OcspStaples(certificates, plan.stateDir().resolve("tls").resolve("ocsp"));
            TlsContext tls = TlsContext.build(certificates, plan.tlsProvider(), plan.tlsProfile(), staples,
                    metrics.handshakes());
            services.start(staples); // before the listeners: the first handshakes staple the saved responses
            tlsProvider = Optional.of(tls.provider());
            ssl = tls.sslContext();
        }
        CertificateManager acme = null;
        if (!plan.autoTlsHosts().isEmpty()) {
            acme = new CertificateManager(storage, plan.stateDir(), plan.acme(), plan.autoTlsHosts(), certificates,
                    plan.listeners().stream().anyMatch(l -> !l.tls()));
            acme.onOrder(metrics.acmeOrders());
            CertificateManager manager = acme;
            // a tls-alpn-01 challenge certificate is served by every node alive before the CA is asked
            storageService().ifPresent(s -> manager.inCluster(new ClusterNodes(s.self().id(), () -> s.nodes().stream()
                    .filter(Heartbeat.NodeState::alive).map(n -> n.node().id()).collect(Collectors.toSet()))));
            acme.loadStored(); // before the listeners open: a restart serves its certificates at once
            if (plan.acme().mayUseTlsAlpn()) {
                ssl = TlsAlpnChallenges.wrap(ssl, certificates); // outermost: the inner engines keep their settings
            }
        }
        server = new HttpServer(plan.listeners(), plan.limits(), ssl);
        metrics.watch(server, this::servedCertificates);
        io = new IoResources(server.worker(), server.buffers());
        logins = new LoginGuard(plan.logins());
        warnAboutPasswords(plan.apps(), List.of());
        // before the apps: a distributable app's deployment takes its session manager from it
        services.find(StorageService.class).ifPresent(storage -> services.start(new SharedSessions(storage.dataSource())));
        services.start(new Apps());
        routes = new Switch(router(plan));
        server.reserveWorkers(appShares(plan));
        services.start(server.serving(handlerChain(routes, acme)));
        for (URI url : urls()) {
            log.info("listening on {}", url);
        }
        if (acme != null) {
            services.start(acme); // after the listeners: the CA's validation connects to them
        }
        publish();
        // after the apps and listeners: a job may call the apps or use their classes at once
        // in a cluster, Quartz's clustered store in the storage's database, this node named as its heartbeat row
        Optional<JobCluster> cluster = storageService().map(s -> new JobCluster(s.dataSource(), s.self().id()));
        services.start(new Jobs(new RunningContext(), metrics.jobRuns(), cluster)).update(plan.jobs());
        services.start(metrics); // its own listener, when the plan has one: once what it counts is up
        if (plan.admin().isPresent()) {
            ListenerSpec where = plan.admin().get();
            try {
                services.start(AdminServer.bind(where, plan.stateDir(), control, metrics));
            } catch (IOException e) {
                throw new StartupError("admin channel on " + where.authority(where.port()) + ": " + e.getMessage(), e);
            } catch (StartupError e) {
                throw new StartupError("admin channel on " + where.authority(where.port()) + ": "
                        + e.getMessage().replaceFirst("^admin: ", ""), e);
            }
        }
    }

    /**
     * The apps and static mounts of the plan, as one part: started (deployed; a failing app answers
     * 503 and the others go on) before the listeners open, stopped after they close.
     */
    private final class Apps implements Service {
        @Override
        public String name() {
            return "apps";
        }

        @Override
        public void start() {
            apps.putAll(deployAll(plan.apps()));
            Map<StaticFiles.Source, HttpHandler> shared = new HashMap<>();
            for (StaticSpec mount : plan.statics()) {
                mounts.put(mount, mount(mount, shared));
            }
        }

        /** Stops the deployments, the last started first. */
        @Override
        public void stop() {
            List<Running> running = new ArrayList<>(apps.values());
            for (int i = running.size() - 1; i >= 0; i--) {
                stopDeployment(running.get(i));
            }
            apps.clear();
            deployed = Map.of();
        }

        @Override
        public String describe() {
            Map<Control.AppState, Long> states = snapshots.stream()
                    .collect(Collectors.groupingBy(AppSnapshot::state, () -> new java.util.EnumMap<>(Control.AppState.class),
                            Collectors.counting()));
            String counts = states.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(java.util.Locale.ROOT))
                    .collect(Collectors.joining(", "));
            return snapshots.size() + " app(s)" + (counts.isEmpty() ? "" : ": " + counts) + "; "
                    + mounts.size() + " static mount(s)";
        }
    }

    /**
     * What SIGHUP and {@code POST /reload} do: the configuration read again through the launcher
     * and applied ({@link #reload(Plan)}), or, when it has problems, each logged as
     * {@code container validate} prints it and the running configuration left as it is. Returns
     * what happened; UNAVAILABLE without a config file.
     */
    public Control.ReloadOutcome reloadConfig() {
        Instant at = Instant.now();
        long began = System.nanoTime();
        Optional<Path> file = launcher.configFile();
        if (file.isEmpty()) {
            log.warn("reload: nothing to reload (no --config file)");
            return Control.ReloadOutcome.refused(Control.ReloadOutcome.Result.UNAVAILABLE, at, Duration.ZERO,
                    List.of("the server was started without --config: there is no file to read again"));
        }
        Plan next;
        try {
            next = launcher.readPlan();
        } catch (ConfigError e) {
            log.error("reload of {} refused, the running configuration stays:", file.get());
            e.problems().forEach(p -> log.error("  {}", p));
            Control.ReloadOutcome refused = Control.ReloadOutcome.refused(Control.ReloadOutcome.Result.INVALID, at,
                    Duration.ofNanos(System.nanoTime() - began), e.problems());
            lastReload = Optional.of(refused);
            return refused;
        }
        log.info("reloading {}", file.get());
        return reload(next);
    }

    /**
     * Serves next instead of the running plan, without a gap: apps and mounts that are new or
     * changed start beside the running ones, the routes swap at once, and apps no longer in the
     * plan (or replaced by a changed one) stop after their running requests finish (bounded by the
     * shutdown timeout). Apps that did not change are not touched: their sessions survive (a
     * stopped one stays stopped). Listeners are opened and closed to match (connections open on a
     * closed one finish); limits, logging and the state directory take effect at the next start
     * (logged). Returns what changed.
     */
    public synchronized Control.ReloadOutcome reload(Plan next) {
        Instant at = Instant.now();
        if (closed) {
            return Control.ReloadOutcome.refused(Control.ReloadOutcome.Result.UNAVAILABLE, at, Duration.ZERO,
                    List.of("the server is stopping"));
        }
        long began = System.nanoTime();
        List<String> restartNeeded = new ArrayList<>(restartOnly(plan, next));
        for (String setting : restartNeeded) {
            log.warn("reload: {} changed; that takes effect at the next start", setting);
        }
        generation++;
        logins.update(next.logins());
        warnAboutPasswords(next.apps(), plan.apps());
        next.apps().stream().filter(app -> !apps.containsKey(app)).forEach(app -> transitions.put(app, Control.AppState.STARTING));
        publish();
        Map<AppSpec, Running> nextApps = new LinkedHashMap<>();
        List<String> started = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        Map<AppSpec, Running> fresh = deployAll(next.apps().stream().filter(app -> !apps.containsKey(app)).toList());
        for (AppSpec app : next.apps()) {
            Running running = apps.get(app);
            if (running == null) {
                running = fresh.get(app);
                started.add(name(app));
                if (running.state() == Control.AppState.FAILED) {
                    failed.add(name(app));
                }
            } else {
                unchanged.add(name(app));
            }
            nextApps.put(app, running);
        }
        List<Map.Entry<AppSpec, Running>> retired = apps.entrySet().stream()
                .filter(e -> !nextApps.containsKey(e.getKey())).toList();
        Map<StaticSpec, HttpHandler> nextMounts = new HashMap<>();
        Map<StaticFiles.Source, HttpHandler> shared = new HashMap<>();
        mounts.forEach((mount, handler) -> shared.putIfAbsent(StaticFiles.Source.of(mount), handler));
        for (StaticSpec mount : next.statics()) {
            nextMounts.put(mount, mounts.containsKey(mount) ? mounts.get(mount) : mount(mount, shared));
        }
        List<ListenerSpec> listeners = next.listeners();
        List<URI> opened = new ArrayList<>();
        List<URI> closedUrls = new ArrayList<>();
        List<String> notOpened = new ArrayList<>();
        if (!listeners.equals(plan.listeners())) {
            Set<URI> before = new HashSet<>(urls());
            for (String problem : server.listen(listeners)) {
                log.error("reload: {}", problem);
                notOpened.add(problem);
            }
            listeners = List.copyOf(server.addresses().keySet());
            List<URI> after = urls();
            after.stream().filter(url -> !before.contains(url)).forEach(url -> {
                opened.add(url);
                log.info("listening on {}", url);
            });
            before.stream().filter(url -> !after.contains(url)).forEach(url -> {
                closedUrls.add(url);
                log.info("no longer listening on {}", url);
            });
        }
        listenerProblems = List.copyOf(notOpened);
        List<CertSpec> certs = plan.certs();
        if (!next.certs().equals(certs)) {
            Optional<CertificateStore> certificates = services.find(CertificateStore.class);
            if (certificates.isEmpty() || served(next).isEmpty()) {
                log.warn("reload: certificates changed; turning HTTPS on or off takes effect at the next start");
                restartNeeded.add("certificates");
            } else if (certificates.get().replace(served(next))) {
                certs = next.certs(); // else logged, and the running ones stay
            }
        }
        Optional<CertificateManager> acme = acme();
        if (acme.isPresent()) {
            acme.get().update(next.autoTlsHosts()); // orders in flight go on
        } else if (!next.autoTlsHosts().isEmpty()) {
            log.warn("reload: hosts with tls = auto take effect at the next start");
            restartNeeded.add("hosts.*.tls");
        }
        if (!next.acme().equals(plan.acme())) {
            log.warn("reload: acme changed; that takes effect at the next start");
            restartNeeded.add("acme");
        }
        plan = new Plan(listeners, next.apps(), next.statics(), plan.stateDir(), plan.shutdownTimeout(),
                next.hosts(), plan.limits(), plan.logging(), plan.dev(), certs, plan.tlsProvider(), plan.tlsProfile(),
                next.jobs(), plan.admin(), plan.acme(), next.logins(), plan.metrics(), plan.storage());
        server.reserveWorkers(appShares(plan));
        apps.clear();
        apps.putAll(nextApps);
        transitions.clear();
        mounts.clear();
        mounts.putAll(nextMounts);
        Switch.Routes old = routes.set(router(plan));
        publish();
        Jobs.Changes jobChanges = jobs().update(plan.jobs());
        retire(retired, old);
        stats.keySet().retainAll(apps.keySet());
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        log.info("reloaded in {} ms: {} app(s) started, {} stopped, {} unchanged", took.toMillis(),
                started.size(), retired.size(), unchanged.size());
        Control.ReloadOutcome outcome = new Control.ReloadOutcome(Control.ReloadOutcome.Result.APPLIED, at, took,
                List.of(), new Control.Changes(started, failed, retired.stream().map(e -> name(e.getKey())).toList(),
                        unchanged, opened, closedUrls, notOpened, jobChanges.added(), jobChanges.removed(),
                        jobChanges.changed(), restartNeeded));
        lastReload = Optional.of(outcome);
        return outcome;
    }

    /**
     * Deploys app again from its source (its WAR or classes changed: dev mode, or the admin
     * channel asked) beside the running deployment and swaps it in; the old one stops once its
     * requests are done. If the new one fails to start, the old one keeps serving and the failure
     * is logged. A stopped app is left alone (start it instead).
     */
    public synchronized Action redeploy(AppSpec app) {
        Running old = apps.get(app);
        Action refused = refusal(app, old);
        if (refused != null) {
            return refused;
        }
        if (old.state() == Control.AppState.STOPPED) {
            return new Action(Control.AppAction.Result.CONFLICT, "app " + name(app) + " is stopped; start it instead");
        }
        long began = System.nanoTime();
        generation++;
        Running fresh = deploy(app, instanceName(app));
        if (fresh.deployment() == null && old.deployment() != null) {
            log.warn("app {}: the new version did not start; the running one stays", app.contextPath());
            return new Action(Control.AppAction.Result.FAILED, "app " + name(app) + ": the new version did not start ("
                    + fresh.reason().orElse("see the server log") + "); the running version stays");
        }
        apps.put(app, fresh);
        Switch.Routes oldRoutes = routes.set(router(plan));
        publish();
        retire(List.of(Map.entry(app, old)), oldRoutes);
        log.info("app {}{} redeployed in {} ms", hostPrefix(app.hosts()), app.contextPath(),
                (System.nanoTime() - began) / 1_000_000);
        if (fresh.deployment() == null) {
            return new Action(Control.AppAction.Result.FAILED, "app " + name(app) + " did not start ("
                    + fresh.reason().orElse("see the server log") + "); it answers 503");
        }
        return new Action(Control.AppAction.Result.DONE, "app " + name(app) + " redeployed");
    }

    /**
     * Stops the app: its path answers 503 from the next request on, and its deployment stops once
     * the requests running on it are done (bounded by the shutdown timeout). A reload that leaves
     * the app as it is configured leaves it stopped.
     */
    synchronized Action stopApp(AppSpec app) {
        Running old = apps.get(app);
        Action refused = refusal(app, old);
        if (refused != null) {
            return refused;
        }
        if (old.state() == Control.AppState.STOPPED) {
            return new Action(Control.AppAction.Result.DONE, "app " + name(app) + " was stopped already");
        }
        generation++;
        apps.put(app, new Running("", null, new Unavailable(app.contextPath(), "is stopped"), Control.AppState.STOPPED,
                Optional.empty(), Optional.empty(), old.deployTime()));
        transitions.put(app, Control.AppState.STOPPING);
        Switch.Routes oldRoutes = routes.set(router(plan));
        publish();
        retire(List.of(Map.entry(app, old)), oldRoutes);
        transitions.remove(app);
        publish();
        return new Action(Control.AppAction.Result.DONE, "app " + name(app) + " stopped");
    }

    /** Starts a stopped or failed app (a running one is left as it is). */
    synchronized Action startApp(AppSpec app) {
        Running old = apps.get(app);
        Action refused = refusal(app, old);
        if (refused != null) {
            return refused;
        }
        if (old.state() == Control.AppState.RUNNING) {
            return new Action(Control.AppAction.Result.DONE, "app " + name(app) + " was running already");
        }
        generation++;
        transitions.put(app, Control.AppState.STARTING);
        publish();
        Running fresh = deploy(app, instanceName(app));
        transitions.remove(app);
        apps.put(app, fresh);
        routes.set(router(plan)); // the old routes reached no deployment: nothing to drain or stop
        stopDeployment(old); // a lazy app's: no first request may start it any more
        publish();
        if (fresh.deployment() == null) {
            return new Action(Control.AppAction.Result.FAILED, "app " + name(app) + " did not start ("
                    + fresh.reason().orElse("see the server log") + "); it answers 503");
        }
        return new Action(Control.AppAction.Result.DONE, "app " + name(app) + " started");
    }

    /** Why an action on app cannot run at all (no such app, stopping), or null. */
    private Action refusal(AppSpec app, Running running) {
        if (running == null) {
            return new Action(Control.AppAction.Result.NOT_FOUND, "no app " + name(app));
        }
        if (closed) {
            return new Action(Control.AppAction.Result.CONFLICT, "the server is stopping");
        }
        return null;
    }

    /** An app as the log names it: main:/shop, /blog. */
    private static String name(AppSpec app) {
        return hostPrefix(app.hosts()) + app.contextPath();
    }

    /** The TLS provider the HTTPS listeners use (conscrypt or jdk, never auto); empty without HTTPS. */
    public Optional<TlsProvider> tlsProvider() {
        return tlsProvider;
    }

    /** The plan being served now (a reload's, less what needs a restart). */
    public synchronized Plan plan() {
        return plan;
    }

    /** Stops apps the new routes no longer reach, once the requests on the old routes are done. */
    private void retire(List<Map.Entry<AppSpec, Running>> retired, Switch.Routes old) {
        if (retired.isEmpty()) {
            return;
        }
        try {
            if (!old.awaitIdle(plan.shutdownTimeout())) {
                log.warn("reload: {} request(s) still running after {} s; stopping the old apps anyway",
                        old.running(), plan.shutdownTimeout().toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (var entry : retired) {
            stopDeployment(entry.getValue());
            log.info("app {}{} stopped ({})", hostPrefix(entry.getKey().hosts()), entry.getKey().contextPath(),
                    entry.getKey().source());
        }
    }

    /** The settings a reload cannot change in a running server, named as in the config file. */
    private static List<String> restartOnly(Plan running, Plan next) {
        List<String> changed = new ArrayList<>();
        if (!running.stateDir().equals(next.stateDir())) {
            changed.add("state-dir");
        }
        if (!running.shutdownTimeout().equals(next.shutdownTimeout())) {
            changed.add("shutdown-timeout");
        }
        if (!running.limits().equals(next.limits())) {
            changed.add("limits");
        }
        changed.addAll(running.logging().changes(next.logging()));
        if (running.tlsProvider() != next.tlsProvider()) {
            changed.add("tls-provider");
        }
        if (running.tlsProfile() != next.tlsProfile()) {
            changed.add("tls-profile");
        }
        if (!running.admin().equals(next.admin())) {
            changed.add("admin");
        }
        if (!running.metrics().equals(next.metrics())) {
            changed.add("metrics");
        }
        if (!running.storage().equals(next.storage())) {
            changed.add("storage");
        }
        return changed;
    }

    /** How many static handlers serve the mounts (mounts of one {@link StaticFiles.Source} share one); for tests. */
    synchronized long staticHandlers() {
        return mounts.values().stream().distinct().count();
    }

    /** The app's own name, or one of its own while a deployment of that name still runs. */
    private String instanceName(AppSpec app) {
        boolean taken = apps.values().stream().anyMatch(r -> r.instance().equals(app.name()));
        return taken ? app.name() + "@" + generation : app.name();
    }

    /**
     * The handler of a static mount: the one in shared when another mount serves the same directory
     * the same way (a site on many hosts is one handler, one cache and one copy of each file in
     * memory, so a request for any of them touches the same memory), else a new one, put there.
     */
    private HttpHandler mount(StaticSpec mount, Map<StaticFiles.Source, HttpHandler> shared) {
        log.info("static {}{} <- {}{}", hostPrefix(mount.hosts()), mount.prefix(), mount.root(),
                mount.listing() ? " (listing on)" : "");
        return shared.computeIfAbsent(StaticFiles.Source.of(mount), source -> newMount(mount));
    }

    private HttpHandler newMount(StaticSpec mount) {
        if (!Files.exists(mount.root())) {
            // a mount with create = true: the directory a job writes into, say
            try {
                Files.createDirectories(mount.root());
            } catch (IOException e) {
                throw new StartupError("static " + mount.prefix() + ": cannot create " + mount.root() + ": " + e.getMessage(), e);
            }
        }
        return StaticFiles.handler(mount);
    }

    private Router router(Plan p) {
        List<Router.VirtualHost> hosts = new ArrayList<>();
        for (HostSpec host : p.hosts()) {
            List<Route> hostRoutes = new ArrayList<>();
            p.appsOn(host).forEach(app -> hostRoutes.add(new Route(app.contextPath(),
                    stats(app).wrap(apps.get(app).handler()))));
            p.staticsOn(host).forEach(mount -> hostRoutes.add(new Route(mount.prefix(), mounts.get(mount))));
            host.healthPath().ifPresent(path -> hostRoutes.add(new Route(path, health)));
            hosts.add(new Router.VirtualHost(host, hostRoutes));
        }
        return new Router(hosts, this::httpsPort, metrics.routes());
    }

    /** The handlers a request passes, built innermost first so it reads like the request's path. */
    private HttpHandler handlerChain(Switch routes, CertificateManager acme) {
        HttpHandler h = routes; // the current Router: virtual host -> context path, then the https redirect
        if (BodyTimeout.enabled(plan.limits())) {
            h = new BodyTimeout(plan.limits(), h); // a trickled request body must not hold a worker
        }
        if (acme != null) {
            h = acme.http01().wrap(h); // before the redirect: the CA asks over plain HTTP
        }
        if (plan.logging().accessLog().isPresent()) {
            h = services.start(AccessLog.open(plan.logging().accessLog().get())).wrap(h);
        }
        return h; // HttpServer puts the graceful-shutdown gate outermost
    }

    /** The worker threads the apps may hold together (the pool keeps a reserve beyond it). */
    private static long appShares(Plan p) {
        return p.apps().stream().mapToLong(app -> app.limits().maxRequests()).sum();
    }

    /** "shop:" for an app or mount on named hosts, nothing on the default host (as the log shows them). */
    private static String hostPrefix(List<String> hostIds) {
        return hostIds.isEmpty() ? "" : String.join(",", hostIds) + ":";
    }

    /** The app's request counts (its requests pass them first: see {@link #router}). */
    private RequestStats stats(AppSpec app) {
        return stats.computeIfAbsent(app, a -> new RequestStats());
    }

    /** Starts app now, logging one line for it; a failed app answers 503. */
    private Running deploy(AppSpec app, String instance) {
        Started started = attempt(app, instance);
        report(app, started, "");
        return running(app, instance, started);
    }

    /** A started app as the routes serve it: within its share of the workers, or its 503. */
    private Running running(AppSpec app, String instance, Started started) {
        if (started.deployment() == null) {
            return new Running(instance, null, started.handler(), Control.AppState.FAILED, started.reason(),
                    Optional.empty(), Optional.of(started.took()));
        }
        return new Running(instance, started.deployment(), shared(app, started.handler()), Control.AppState.RUNNING,
                Optional.empty(), started.at(), Optional.of(started.took()));
    }

    /**
     * handler within the app's own share of the workers: an app that blocks them all cannot starve the
     * rest; and a small body is read before a worker is taken: a slow POST holds none.
     */
    private HttpHandler shared(AppSpec app, HttpHandler handler) {
        var share = new WorkerShare(hostPrefix(app.hosts()) + app.contextPath(), app.limits(), server.worker());
        return bodies.wrap(share.wrap(handler));
    }

    /** Deploys app, without a line in the log (see {@link #report}); thread-safe, as deployments of other apps run beside it. */
    private Started attempt(AppSpec app, String instance) {
        return attempt(app, instance, new SharedIndexes());
    }

    /** As {@link #attempt(AppSpec, String)}, with the jar indexes of the apps deploying beside it. */
    private Started attempt(AppSpec app, String instance, SharedIndexes indexes) {
        long began = System.nanoTime();
        WarDeployment deployment = new WarDeployment(app, plan.stateDir(), servlets, io, logins, instance, plan.dev(),
                services.find(SharedSessions.class)).shareIndexes(indexes);
        try {
            var handler = deployment.start();
            return new Started(deployment, handler, Optional.empty(), Optional.of(Instant.now()),
                    Duration.ofNanos(System.nanoTime() - began));
        } catch (DeploymentError e) {
            return new Started(null, new Unavailable(app.contextPath()), Optional.of(e), Optional.empty(),
                    Duration.ofNanos(System.nanoTime() - began));
        }
    }

    /** The app's one line in the log: where it is served from and how long it took, or why it answers 503. */
    private static void report(AppSpec app, Started started, String when) {
        if (started.error().isPresent()) {
            log.error("app {} failed to start{}, answering 503: {}", app.contextPath(), when,
                    started.error().get().getMessage());
            log.debug("app {} start failure", app.contextPath(), started.error().get());
        } else {
            log.info("app {}{} <- {} ({} ms{})", hostPrefix(app.hosts()), app.contextPath(), app.source(),
                    started.took().toMillis(), when);
        }
    }

    /**
     * Starts apps beside each other on as many threads as the machine has cores (Tomcat's
     * startStopThreads); a lazy one ({@code start = lazy}) is only made ready for its first request.
     * Returns them in the order given, each logged in one line in that order (as soon as it and
     * those before it are done), a failed one answering 503.
     */
    private Map<AppSpec, Running> deployAll(List<AppSpec> list) {
        Map<AppSpec, String> instances = new LinkedHashMap<>();
        list.forEach(app -> instances.put(app, instanceName(app)));
        List<AppSpec> eager = list.stream().filter(app -> !app.lazy()).toList();
        Map<AppSpec, Future<Started>> pending = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(eager.size(), DEPLOY_THREADS)),
                DEPLOY_THREAD_FACTORY);
        Map<AppSpec, Running> done = new LinkedHashMap<>();
        try {
            // a jar several apps ship is indexed once; the indexes are dropped once these apps are up
            SharedIndexes indexes = new SharedIndexes();
            eager.forEach(app -> pending.put(app, pool.submit(() -> attempt(app, instances.get(app), indexes))));
            for (AppSpec app : list) {
                if (app.lazy()) {
                    done.put(app, lazy(app, instances.get(app)));
                    continue;
                }
                Started started = outcome(pending.remove(app));
                report(app, started, "");
                done.put(app, running(app, instances.get(app), started));
            }
            return done;
        } catch (RuntimeException | Error e) {
            // not an app's failure (those answer 503) but the JVM's or ours: what started is stopped
            done.values().forEach(Container::stopDeployment);
            pending.values().forEach(f -> {
                try {
                    Optional.ofNullable(outcome(f).deployment()).ifPresent(WarDeployment::stop);
                } catch (RuntimeException | Error ignored) {
                    // reported by the first
                }
            });
            throw e;
        } finally {
            pool.shutdown();
        }
    }

    /** A deployment's outcome once it is done; what it threw, thrown here. */
    private static Started outcome(Future<Started> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupError("interrupted while the apps were starting", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A lazy app's place in the routes: deployed by its first request ({@link LazyStart}). */
    private Running lazy(AppSpec app, String instance) {
        LazyStart start = new LazyStart(app, instance);
        log.info("app {}{} <- {} (start = lazy: deployed on its first request)", hostPrefix(app.hosts()),
                app.contextPath(), app.source());
        return new Running(instance, null, shared(app, start), Control.AppState.LAZY, Optional.empty(),
                Optional.empty(), Optional.empty(), start);
    }

    /** Stops the app's deployment, if it has one; a lazy app's first request no longer starts it. */
    private static void stopDeployment(Running running) {
        WarDeployment deployment = running.lazy() != null ? running.lazy().retire() : running.deployment();
        if (deployment != null) {
            deployment.stop();
        }
    }

    /**
     * A lazy app's handler (within its share of the workers, so on a worker thread): the first
     * request deploys the app while the requests that arrive meanwhile wait for it; then each
     * request goes to the deployment, or to the 503 of a failed start (logged once). Starts
     * nothing once the server is stopping or the app was retired. Thread-safe.
     */
    private final class LazyStart implements HttpHandler {
        private final AppSpec app;
        private final String instance;
        private volatile Started started;
        /** Set when the app is stopped or replaced: no start after it. Guarded by this. */
        private boolean retired;

        LazyStart(AppSpec app, String instance) {
            this.app = app;
            this.instance = instance;
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            if (exchange.isInIoThread()) {
                exchange.dispatch(this); // deploying blocks: never on an I/O thread
                return;
            }
            Started now = started;
            (now != null ? now.handler() : start()).handleRequest(exchange);
        }

        private synchronized HttpHandler start() {
            if (started == null) {
                if (retired || draining) {
                    return new Unavailable(app.contextPath(), "is stopping");
                }
                Started now = attempt(app, instance);
                report(app, now, ", on its first request");
                started = now;
                CompletableFuture.runAsync(Container.this::republish); // never this lock under the container's
            }
            return started.handler();
        }

        Optional<Started> started() {
            return Optional.ofNullable(started);
        }

        /** No start from now on (one running now finishes first); returns the deployment to stop, if any. */
        synchronized WarDeployment retire() {
            retired = true;
            return started == null ? null : started.deployment();
        }
    }

    /** Republishes the apps after a lazy one started (on a thread of its own: the container's lock may be held). */
    private synchronized void republish() {
        if (!closed) {
            publish();
        }
    }
    /**
     * One warning for each plain-text or {SHA-256} password of the users file the apps check
     * against, naming the user and the line (never the password): at start, and at a reload that
     * brings a changed file.
     */
    private static void warnAboutPasswords(List<AppSpec> next, List<AppSpec> running) {
        Set<Users> before = running.stream().flatMap(a -> a.users().stream()).collect(Collectors.toSet());
        next.stream().flatMap(a -> a.users().stream()).distinct().filter(u -> !before.contains(u))
                .forEach(u -> u.warnings().forEach(w -> log.warn("users: {}", w)));
    }

    /**
     * Whether HTTPS is served with a certificate from the local CA: in dev mode, for HTTPS
     * listeners that were given no certificate; and for hosts with tls = local.
     */
    private static boolean localTls(Plan p) {
        boolean https = p.listeners().stream().anyMatch(ListenerSpec::tls);
        return https && (p.dev() && p.certs().isEmpty() || p.hosts().stream().anyMatch(h -> h.tls() == HostTls.LOCAL));
    }

    /**
     * The local CA's certificate for localhost and the plan's host names; how to trust it, the
     * first time. shared, when not null, is a cluster's storage: the CA is the cluster's.
     */
    private static CertSpec localCertificate(Plan p, Storage shared) {
        LocalCa ca = LocalCa.in(p.stateDir());
        boolean created = shared != null ? ca.share(shared) : !ca.exists();
        List<String> names = p.hosts().stream().filter(h -> p.dev() || h.tls() == HostTls.LOCAL)
                .flatMap(h -> h.names().stream()).filter(n -> !n.startsWith("*.")).toList();
        CertSpec spec = ca.certificateFor(names);
        log.info("TLS: local certificate {} from the local CA {}", spec.cert(), ca.caFile());
        if (created) {
            log.warn("TLS: created a local CA for development HTTPS: {}\n{}", ca.caFile(), ca.trustInstructions());
        }
        return spec;
    }

    /** The certificates to serve for p: its own, then the local one (dev mode). */
    private List<CertSpec> served(Plan p) {
        if (localCertificate.isEmpty()) {
            return p.certs();
        }
        List<CertSpec> all = new ArrayList<>(p.certs());
        all.add(localCertificate.get());
        return all;
    }

    private void prepareStateDir() {
        try {
            Files.createDirectories(plan.stateDir());
            if (!Files.isWritable(plan.stateDir())) {
                throw new IOException("not writable");
            }
        } catch (IOException e) {
            throw new StartupError("state directory " + plan.stateDir() + ": " + e.getMessage(), e);
        }
    }

    /** The bound port of the first HTTPS listener (443 when there is none). */
    private int httpsPort() {
        return server.addresses().entrySet().stream().filter(e -> e.getKey().tls())
                .mapToInt(e -> e.getValue().getPort()).findFirst().orElse(443);
    }

    /** One URL per open listener, with the real port: {@code http://localhost:8080/} for a wildcard bind. */
    public List<URI> urls() {
        List<URI> urls = new ArrayList<>();
        server.addresses().forEach((spec, bound) -> urls.add(url(spec, bound)));
        return urls;
    }

    /** A listener's URL with its real port: {@code http://localhost:8080/} for a wildcard bind. */
    static URI url(ListenerSpec spec, InetSocketAddress bound) {
        String host = bound.getAddress().isAnyLocalAddress() ? "localhost" : spec.host();
        return URI.create(spec.scheme() + "://" + new ListenerSpec(host, 0).authority(bound.getPort()) + "/");
    }

    /** The scheduled jobs (for the admin channel and tests). */
    public Jobs jobs() {
        return services.find(Jobs.class).orElseThrow(() -> new IllegalStateException("the jobs have not started"));
    }

    /** The apps as they are now, in plan order (new ones starting in a reload last); no lock taken. */
    List<AppSnapshot> appSnapshots() {
        return snapshots;
    }

    /** The plan being served now, without waiting for a reload to end. */
    Plan currentPlan() {
        return plan;
    }

    boolean draining() {
        return draining;
    }

    Instant startedAt() {
        return startedAt;
    }

    int generation() {
        return generation;
    }

    Launcher launcher() {
        return launcher;
    }

    Optional<Control.ReloadOutcome> lastReload() {
        return lastReload;
    }

    /** Listeners the last reload could not open, one line each. */
    List<String> listenerProblems() {
        return listenerProblems;
    }

    /** The open listeners and their bound addresses. */
    Map<ListenerSpec, InetSocketAddress> listeners() {
        return server == null ? Map.of() : server.addresses();
    }

    /** The certificates served now (empty without HTTPS). */
    List<CertificateStore.Served> servedCertificates() {
        return services.find(CertificateStore.class).map(CertificateStore::served).orElse(List.of());
    }

    /** The local CA's certificate files, when one is served. */
    Optional<CertSpec> localCertificate() {
        return localCertificate;
    }

    /**
     * Where the state the nodes of a cluster share lives: the state directory's files, or the
     * database of {@code storage { type = postgres }}. Null before the start.
     */
    public Storage storage() {
        return storage;
    }

    /** The storage part of a cluster node (its database pool, the nodes' heartbeats); empty with files. */
    public Optional<StorageService> storageService() {
        return services.find(StorageService.class);
    }

    /** The ACME maintenance, for hosts with tls = auto. */
    Optional<CertificateManager> acme() {
        return services.find(CertificateManager.class);
    }

    /** The URL of the metrics' own listener (metrics.listen), if it runs. */
    public Optional<String> metricsUrl() {
        return metrics == null ? Optional.empty() : metrics.listenerUrl();
    }

    /** The admin channel's URL, if it runs. */
    public Optional<String> adminUrl() {
        return services.find(AdminServer.class).map(AdminServer::url);
    }

    /** Republishes the apps for the lock-free readers: job threads, the admin channel. */
    private void publish() {
        Map<AppSpec, WarDeployment> now = new LinkedHashMap<>();
        List<AppSnapshot> views = new ArrayList<>();
        apps.forEach((spec, running) -> {
            if (running.deployment() != null) {
                now.put(spec, running.deployment());
            }
            views.add(new AppSnapshot(spec, transitions.getOrDefault(spec, running.state()), running.reason(),
                    running.startedAt(), running.deployTime(), stats(spec)));
        });
        transitions.forEach((spec, state) -> {
            if (!apps.containsKey(spec)) {
                views.add(new AppSnapshot(spec, state, Optional.empty(), Optional.empty(), Optional.empty(), stats(spec)));
            }
        });
        deployed = Map.copyOf(now);
        snapshots = List.copyOf(views);
    }

    /** What jobs see of this container: lock-free reads of the current plan, listeners and apps. */
    private final class RunningContext implements JobContext {
        @Override
        public Path stateDir() {
            return plan.stateDir();
        }

        @Override
        public Optional<InetSocketAddress> plainHttp() {
            return server.addresses().entrySet().stream().filter(e -> !e.getKey().tls()).findFirst().map(e -> {
                InetSocketAddress bound = e.getValue();
                if (bound.getAddress().isAnyLocalAddress()) {
                    return new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort());
                }
                return bound;
            });
        }

        @Override
        public String hostHeader(Optional<String> host) {
            Plan p = plan;
            HostSpec target = host.flatMap(id -> p.hosts().stream().filter(h -> h.id().equals(id)).findFirst())
                    .orElse(p.defaultHost());
            return target.names().stream().filter(n -> !n.startsWith("*.")).findFirst()
                    .or(() -> target.names().stream().findFirst().map(n -> "job" + n.substring(1)))
                    .orElse("localhost");
        }

        @Override
        public Optional<ClassLoader> appClassLoader(String contextPath, Optional<String> host) {
            Plan p = plan;
            String hostId = host.orElse(p.defaultHost().id());
            return deployed.entrySet().stream()
                    .filter(e -> e.getKey().contextPath().equals(contextPath))
                    .filter(e -> e.getKey().hosts().isEmpty() ? hostId.equals(p.defaultHost().id()) : e.getKey().hosts().contains(hostId))
                    .findFirst().map(e -> e.getValue().classLoader());
        }
    }

    /** The running parts in start order, as the control API lists them. */
    List<Control.ServiceView> services() {
        return services.views();
    }

    /**
     * Stops gracefully: first quiet (the jobs stop, so none starts on an app about to stop; the
     * listeners stop taking requests and the running ones finish, bounded by the shutdown timeout,
     * while the admin channel answers that the server is draining), then every part in reverse
     * start order: admin channel, ACME, listeners, apps, access log, OCSP stapling, certificates;
     * the connections and the I/O threads last.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        draining = true;
        long began = System.nanoTime();
        services.find(Jobs.class).ifPresent(Jobs::stop);
        if (server != null && !server.drain(plan.shutdownTimeout())) {
            log.warn("requests still running after {} s; stopping anyway", plan.shutdownTimeout().toSeconds());
        }
        services.stopAll();
        if (server != null) {
            server.stop(); // last: its I/O threads served the apps to the end
        }
        log.info("stopped in {} ms", (System.nanoTime() - began) / 1_000_000);
    }
}
