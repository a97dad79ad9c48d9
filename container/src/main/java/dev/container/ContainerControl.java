package dev.container;

import dev.container.acme.CertificateInfo;
import dev.container.acme.CertificateManager;
import dev.container.admin.AppRef;
import dev.container.admin.Control;
import dev.container.config.AppSpec;
import dev.container.config.CertSpec;
import dev.container.config.ListenerSpec;
import dev.container.config.Plan;
import dev.container.jobs.JobStatus;
import dev.container.storage.Heartbeat;
import dev.container.storage.StorageException;
import dev.container.storage.StorageService;
import dev.container.tls.CertificateStore;
import dev.container.tls.KeyedCertificate;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The container as the admin channel sees it: {@link Control} over the {@link Container}'s
 * published snapshots (reads take none of its locks) and its synchronized actions. Thread-safe.
 */
final class ContainerControl implements Control {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("container");

    private final Container container;

    ContainerControl(Container container) {
        this.container = container;
    }

    @Override
    public Status status() {
        Plan plan = container.currentPlan();
        List<Container.AppSnapshot> apps = container.appSnapshots();
        Map<AppState, Integer> states = new EnumMap<>(AppState.class);
        apps.forEach(a -> states.merge(a.state(), 1, Integer::sum));
        return new Status(Version.number(), ProcessHandle.current().pid(), container.startedAt(),
                container.launcher().configFile().map(f -> f.toAbsolutePath().normalize()),
                plan.stateDir().toAbsolutePath().normalize(), container.generation(),
                container.tlsProvider().map(p -> p.configName()), container.draining(), listeners(), apps.size(), states,
                certificates().size(), container.jobs().status().size(), container.lastReload(), container.services(),
                container.storageService().map(ContainerControl::cluster));
    }

    /** The cluster as this node's storage sees it; the nodes left out (and the error said) when they cannot be read. */
    private static Cluster cluster(StorageService storage) {
        List<Node> nodes = new ArrayList<>();
        Optional<String> error = storage.lastError();
        if (storage.reachable()) {
            try {
                for (Heartbeat.NodeState n : storage.nodes()) {
                    nodes.add(new Node(n.node().id(), n.node().host(), n.node().pid(), n.node().version(),
                            n.node().started(), n.node().lastSeen().orElse(n.node().started()), n.alive(), n.self()));
                }
            } catch (StorageException e) {
                error = Optional.of(e.getMessage());
            }
        }
        return new Cluster("postgres", storage.spec().safeUrl(), storage.schemaVersion(),
                storage.reachable() && error.isEmpty(), storage.since(), error, storage.self().id(), nodes);
    }

    private List<Listener> listeners() {
        List<Listener> all = new ArrayList<>();
        for (Map.Entry<ListenerSpec, InetSocketAddress> open : container.listeners().entrySet()) {
            ListenerSpec spec = open.getKey();
            List<String> protocols = spec.tls() ? List.of("h1", "h2") : spec.h2c() ? List.of("h1", "h2c") : List.of("h1");
            all.add(new Listener(Container.url(spec, open.getValue()), protocols));
        }
        return all;
    }

    @Override
    public Readiness readiness() {
        List<String> reasons = new ArrayList<>();
        if (container.draining()) {
            reasons.add("the server is stopping: it finishes the requests it has and takes no new ones");
        }
        for (Container.AppSnapshot app : container.appSnapshots()) {
            String name = ref(app.spec());
            if (app.state() == AppState.STARTING) {
                reasons.add("app " + name + " is starting");
            } else if (app.state() == AppState.FAILED && !app.spec().optional()) {
                reasons.add("app " + name + " failed to start: " + app.reason().orElse("see the server log")
                        + " (fix it and POST /" + AppRef.parse(name).apiPath() + "/start, or mark it optional = true)");
            }
        }
        reasons.addAll(container.listenerProblems());
        if (!container.draining() && container.listeners().isEmpty()) {
            reasons.add("no listener is open");
        }
        return new Readiness(reasons.isEmpty(), reasons);
    }

    @Override
    public List<AppView> apps() {
        String defaultHost = container.currentPlan().defaultHost().id();
        return container.appSnapshots().stream().map(a -> view(a, defaultHost)).toList();
    }

    @Override
    public Optional<AppView> app(AppRef ref) {
        String defaultHost = container.currentPlan().defaultHost().id();
        return container.appSnapshots().stream().filter(a -> matches(a.spec(), ref, defaultHost)).findFirst()
                .map(a -> view(a, defaultHost));
    }

    private static AppView view(Container.AppSnapshot a, String defaultHost) {
        AppSpec spec = a.spec();
        return new AppView(AppRef.parse(ref(spec)), spec.hosts().isEmpty() ? List.of(defaultHost) : spec.hosts(),
                spec.contextPath(), spec.source(), spec.exploded(), a.state(), a.reason(), spec.optional(), a.startedAt(),
                a.deployTime(), a.stats().snapshot());
    }

    /** The app's name in the API and the log: its first host (none for the default host) and its path. */
    private static String ref(AppSpec spec) {
        return new AppRef(spec.hosts().stream().findFirst(), spec.contextPath()).toString();
    }

    private static boolean matches(AppSpec spec, AppRef ref, String defaultHost) {
        if (!spec.contextPath().equals(ref.contextPath())) {
            return false;
        }
        String host = ref.host().orElse(defaultHost);
        return spec.hosts().isEmpty() ? host.equals(defaultHost) : spec.hosts().contains(host);
    }

    @Override
    public AppAction redeploy(AppRef ref) {
        return act(ref, container::redeploy);
    }

    @Override
    public AppAction stopApp(AppRef ref) {
        return act(ref, container::stopApp);
    }

    @Override
    public AppAction startApp(AppRef ref) {
        return act(ref, container::startApp);
    }

    private AppAction act(AppRef ref, Function<AppSpec, Container.Action> action) {
        String defaultHost = container.currentPlan().defaultHost().id();
        Optional<AppSpec> spec = container.appSnapshots().stream().map(Container.AppSnapshot::spec)
                .filter(s -> matches(s, ref, defaultHost)).findFirst();
        if (spec.isEmpty()) {
            return new AppAction(AppAction.Result.NOT_FOUND, Optional.empty(), "no app " + ref);
        }
        Container.Action done = action.apply(spec.get());
        return new AppAction(done.result(), app(ref), done.detail());
    }

    @Override
    public ReloadOutcome reload() {
        return container.reloadConfig();
    }

    @Override
    public void stop() {
        log.info("stopping: asked for through the admin channel");
        container.launcher().requestStop(container);
    }

    @Override
    public List<JobStatus> jobs() {
        return container.jobs().status();
    }

    @Override
    public Optional<JobStatus> job(String name) {
        return container.jobs().status(name);
    }

    @Override
    public boolean runJob(String name) {
        return container.jobs().trigger(name);
    }

    @Override
    public boolean pauseJob(String name) {
        return container.jobs().pause(name);
    }

    @Override
    public boolean resumeJob(String name) {
        return container.jobs().resume(name);
    }

    @Override
    public List<CertificateView> certificates() {
        Optional<CertSpec> local = container.localCertificate();
        Map<String, CertificateManager.HostState> acme = container.acme().map(CertificateManager::status)
                .orElse(List.of()).stream().collect(Collectors.toMap(CertificateManager.HostState::hostId, h -> h));
        List<CertificateView> all = new ArrayList<>();
        for (CertificateStore.Served served : container.servedCertificates()) {
            KeyedCertificate certificate = served.certificate();
            if (served.spec().isPresent()) {
                CertSpec spec = served.spec().get();
                List<String> names = certificate.names().stream().sorted().toList();
                all.add(view(names, certificate, local.equals(served.spec()) ? CertificateSource.LOCAL_CA
                        : CertificateSource.FILES, spec.isPkcs12() ? List.of(spec.cert()) : List.of(spec.cert(), spec.key()),
                        Optional.empty()));
            } else {
                CertificateManager.HostState host = acme.get(served.managedId().orElseThrow());
                List<String> names = host != null ? host.names() : certificate.names().stream().sorted().toList();
                all.add(view(names, certificate, CertificateSource.ACME, List.of(certificate.certFile()),
                        Optional.ofNullable(host).map(ContainerControl::acmeState)));
            }
        }
        for (CertificateManager.HostState host : acme.values()) {
            if (host.certificate().isEmpty()) {
                all.add(new CertificateView(host.names().get(0), host.names(), "", Optional.empty(), Optional.empty(),
                        CertificateSource.ACME, List.of(), Optional.of(acmeState(host))));
            }
        }
        return all;
    }

    private static CertificateView view(List<String> names, KeyedCertificate certificate, CertificateSource source,
                                        List<Path> files, Optional<AcmeState> acme) {
        return new CertificateView(names.isEmpty() ? certificate.certFile().getFileName().toString() : names.get(0),
                names, CertificateInfo.issuer(certificate.leaf()),
                Optional.of(certificate.leaf().getNotBefore().toInstant()),
                Optional.of(certificate.leaf().getNotAfter().toInstant()), source, files, acme);
    }

    private static AcmeState acmeState(CertificateManager.HostState h) {
        Optional<Window> window = h.ariStart().isPresent() && h.ariEnd().isPresent()
                ? Optional.of(new Window(h.ariStart().get(), h.ariEnd().get())) : Optional.empty();
        return new AcmeState(h.hostId(), h.renewAt(), window, h.nextAttempt(), h.failures(), h.lastError(),
                h.lastErrorAt(), h.renewRequested());
    }

    @Override
    public RenewOutcome renew(String name) {
        if (container.acme().map(a -> a.renewNow(name)).orElse(false)) {
            return RenewOutcome.STARTED;
        }
        boolean served = container.servedCertificates().stream().anyMatch(s -> s.certificate().names().contains(name));
        return served ? RenewOutcome.NOT_ACME : RenewOutcome.NOT_FOUND;
    }
}
