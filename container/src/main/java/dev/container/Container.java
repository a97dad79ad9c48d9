package dev.container;

import dev.container.acme.CertificateManager;
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
import dev.container.jobs.JobContext;
import dev.container.jobs.Jobs;
import dev.container.deploy.DeploymentError;
import dev.container.deploy.IoResources;
import dev.container.deploy.LoginGuard;
import dev.container.deploy.WarDeployment;
import dev.container.files.StaticFiles;
import dev.container.server.AccessLog;
import dev.container.server.BodyBuffering;
import dev.container.server.BodyTimeout;
import dev.container.server.HttpServer;
import dev.container.tls.CertificateCheck;
import dev.container.tls.CertificateStore;
import dev.container.tls.LocalCa;
import dev.container.tls.TlsAlpnChallenges;
import dev.container.tls.OcspStaples;
import dev.container.tls.TlsContext;
import dev.container.server.Route;
import dev.container.server.Router;
import dev.container.server.Switch;
import dev.container.server.Unavailable;
import dev.container.server.WorkerShare;
import io.undertow.server.HttpHandler;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.ServletContainer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.nio.file.Path;
import java.util.Optional;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the running server from a {@link Plan}. Apps are deployed first
 * (a failing app is logged in one line and answers 503; the others go on), then the router and
 * the listeners start. {@link #close()} shuts down gracefully: stop accepting, let in-flight
 * requests finish (bounded by the plan's shutdown timeout), destroy the apps, close the listeners.
 * {@link #reload} applies a new plan while serving. start, reload and close are called from one
 * thread at a time (reload and close are synchronized).
 */
public final class Container implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** How often the certificate files are checked for a change on disk. */
    private static final java.time.Duration CERTIFICATE_CHECK = java.time.Duration.ofSeconds(2);

    /** The plan being served: the start's, then each reload's (less what needs a restart). Read by job threads. */
    private volatile Plan plan;
    /** The running apps in plan order, each with the deployment behind it (none after a failed start). */
    private final Map<AppSpec, Running> apps = new LinkedHashMap<>();
    private final Map<StaticSpec, HttpHandler> mounts = new HashMap<>();
    /** Request bodies read before an app's worker is taken, within one memory budget for all apps. */
    private final BodyBuffering bodies = new BodyBuffering(BodyBuffering.DEFAULT_BUDGET);
    private ServletContainer servlets;
    private IoResources io;
    /** Every app's logins pass it: the lockout counts of the whole server, kept across reloads. */
    private LoginGuard logins;
    private Switch routes;
    private HttpServer server;
    private AccessLog accessLog;
    /** The HTTPS listeners' certificates, read again when their files change; null without HTTPS. */
    private CertificateStore certificates;
    /** OCSP responses stapled for the certificates that name a responder; null without HTTPS. */
    private OcspStaples staples;
    /** The local CA's certificate, in dev mode for HTTPS without certificates of its own. */
    private Optional<CertSpec> localCertificate = Optional.empty();
    /** The HTTPS listeners' TLS; null without HTTPS. */
    private TlsContext tls;
    /** Certificates of the hosts with tls = auto, from ACME; null without such hosts. */
    private CertificateManager acme;
    private int generation;
    private boolean closed;
    /** The scheduled jobs; started once the apps and listeners are up. */
    private Jobs jobs;
    /** The admin channel, or null when the plan has none. */
    private AdminServer admin;
    /**
     * The running apps' deployments, republished whole after each change, for job threads: they
     * must not take this object's lock, which close() holds while it waits for them.
     */
    private volatile Map<AppSpec, WarDeployment> deployed = Map.of();

    /** An app as it runs: its deployment (null when it failed and answers 503) behind a request counter. */
    private record Running(String instance, WarDeployment deployment, HttpHandler handler) {
    }

    private Container(Plan plan) {
        this.plan = plan;
    }

    /** Starts everything the plan names. Throws {@link StartupError} (having stopped what started) on failure. */
    public static Container start(Plan plan) {
        long began = System.nanoTime();
        JulToContainerLog.install();
        Container container = new Container(plan);
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
        servlets = Servlets.newContainer();
        if (localTls(plan)) {
            localCertificate = Optional.of(localCertificate(plan));
        }
        SSLContext ssl = null;
        if (!plan.certs().isEmpty() || localCertificate.isPresent() || !plan.autoTlsHosts().isEmpty()) {
            CertificateCheck.check(plan, Instant.now()).warnings().forEach(w -> log.warn("TLS: {}", w));
            certificates = new CertificateStore(served(plan));
            certificates.watch(CERTIFICATE_CHECK);
            staples = new OcspStaples(certificates, plan.stateDir().resolve("tls").resolve("ocsp"));
            tls = TlsContext.build(certificates, plan.tlsProvider(), plan.tlsProfile(), staples);
            ssl = tls.sslContext();
        }
        if (!plan.autoTlsHosts().isEmpty()) {
            acme = new CertificateManager(plan.stateDir(), plan.acme(), plan.autoTlsHosts(), certificates,
                    plan.listeners().stream().anyMatch(l -> !l.tls()));
            acme.loadStored(); // before the listeners open: a restart serves its certificates at once
            if (plan.acme().mayUseTlsAlpn()) {
                ssl = TlsAlpnChallenges.wrap(ssl, certificates); // outermost: the inner engines keep their settings
            }
        }
        server = new HttpServer(plan.listeners(), plan.limits(), ssl);
        io = new IoResources(server.worker(), server.buffers());
        logins = new LoginGuard(plan.logins());
        warnAboutPasswords(plan.apps(), List.of());
        for (AppSpec app : plan.apps()) {
            apps.put(app, startApp(app, app.name()));
        }
        for (StaticSpec mount : plan.statics()) {
            mounts.put(mount, mount(mount));
        }
        routes = new Switch(router(plan));
        server.reserveWorkers(appShares(plan));
        server.start(handlerChain(routes));
        for (URI url : urls()) {
            log.info("listening on {}", url);
        }
        if (acme != null) {
            acme.startMaintenance(); // after the listeners: the CA's validation connects to them
        }
        publishDeployments();
        // after the apps and listeners: a job may call the apps or use their classes at once
        jobs = new Jobs(new RunningContext());
        jobs.update(plan.jobs());
        if (plan.admin().isPresent()) {
            try {
                admin = AdminServer.start(plan.admin().get(), plan.stateDir(), jobs);
            } catch (IOException e) {
                throw new StartupError("admin channel on " + plan.admin().get().authority(plan.admin().get().port())
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Serves next instead of the running plan, without a gap: apps and mounts that are new or
     * changed start beside the running ones, the routes swap at once, and apps no longer in the
     * plan (or replaced by a changed one) stop after their running requests finish (bounded by the
     * shutdown timeout). Apps that did not change are not touched: their sessions survive.
     * Listeners are opened and closed to match (connections open on a closed one finish); limits,
     * logging and the state directory take effect at the next start (logged).
     */
    public synchronized void reload(Plan next) {
        if (closed) {
            return;
        }
        long began = System.nanoTime();
        for (String setting : restartOnly(plan, next)) {
            log.warn("reload: {} changed; that takes effect at the next start", setting);
        }
        generation++;
        logins.update(next.logins());
        warnAboutPasswords(next.apps(), plan.apps());
        Map<AppSpec, Running> nextApps = new LinkedHashMap<>();
        int started = 0;
        for (AppSpec app : next.apps()) {
            Running running = apps.get(app);
            if (running == null) {
                running = startApp(app, instanceName(app));
                started++;
            }
            nextApps.put(app, running);
        }
        List<Map.Entry<AppSpec, Running>> retired = apps.entrySet().stream()
                .filter(e -> !nextApps.containsKey(e.getKey())).toList();
        Map<StaticSpec, HttpHandler> nextMounts = new HashMap<>();
        for (StaticSpec mount : next.statics()) {
            nextMounts.put(mount, mounts.containsKey(mount) ? mounts.get(mount) : mount(mount));
        }
        List<ListenerSpec> listeners = next.listeners();
        if (!listeners.equals(plan.listeners())) {
            Set<URI> before = new HashSet<>(urls());
            for (String problem : server.listen(listeners)) {
                log.error("reload: {}", problem);
            }
            listeners = List.copyOf(server.addresses().keySet());
            Set<URI> after = new HashSet<>(urls());
            after.stream().filter(url -> !before.contains(url)).forEach(url -> log.info("listening on {}", url));
            before.stream().filter(url -> !after.contains(url)).forEach(url -> log.info("no longer listening on {}", url));
        }
        List<CertSpec> certs = plan.certs();
        if (!next.certs().equals(certs)) {
            if (certificates == null || served(next).isEmpty()) {
                log.warn("reload: certificates changed; turning HTTPS on or off takes effect at the next start");
            } else if (certificates.replace(served(next))) {
                certs = next.certs(); // else logged, and the running ones stay
            }
        }
        if (acme != null) {
            acme.update(next.autoTlsHosts()); // orders in flight go on
        } else if (!next.autoTlsHosts().isEmpty()) {
            log.warn("reload: hosts with tls = auto take effect at the next start");
        }
        if (!next.acme().equals(plan.acme())) {
            log.warn("reload: acme changed; that takes effect at the next start");
        }
        plan = new Plan(listeners, next.apps(), next.statics(), plan.stateDir(), plan.shutdownTimeout(),
                next.hosts(), plan.limits(), plan.logging(), plan.dev(), certs, plan.tlsProvider(), plan.tlsProfile(),
                next.jobs(), plan.admin(), plan.acme(), next.logins());
        server.reserveWorkers(appShares(plan));
        apps.clear();
        apps.putAll(nextApps);
        mounts.clear();
        mounts.putAll(nextMounts);
        Switch.Routes old = routes.set(router(plan));
        publishDeployments();
        jobs.update(plan.jobs());
        retire(retired, old);
        log.info("reloaded in {} ms: {} app(s) started, {} stopped, {} unchanged", (System.nanoTime() - began) / 1_000_000,
                started, retired.size(), nextApps.size() - started);
    }

    /**
     * Deploys app again from its source (its WAR or classes changed: dev mode) beside the running
     * deployment and swaps it in; the old one stops once its requests are done. If the new one
     * fails to start, the old one keeps serving and the failure is logged.
     */
    public synchronized void redeploy(AppSpec app) {
        Running old = apps.get(app);
        if (closed || old == null) {
            return;
        }
        long began = System.nanoTime();
        generation++;
        Running fresh = startApp(app, instanceName(app));
        if (fresh.deployment() == null && old.deployment() != null) {
            log.warn("app {}: the new version did not start; the running one stays", app.contextPath());
            return;
        }
        apps.put(app, fresh);
        Switch.Routes oldRoutes = routes.set(router(plan));
        publishDeployments();
        retire(List.of(Map.entry(app, old)), oldRoutes);
        log.info("app {}{} redeployed in {} ms", hostPrefix(app.hosts()), app.contextPath(),
                (System.nanoTime() - began) / 1_000_000);
    }

    /** The TLS provider the HTTPS listeners use (conscrypt or jdk, never auto); empty without HTTPS. */
    public Optional<TlsProvider> tlsProvider() {
        return Optional.ofNullable(tls).map(TlsContext::provider);
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
            if (entry.getValue().deployment() != null) {
                entry.getValue().deployment().stop();
            }
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
        return changed;
    }

    /** The app's own name, or one of its own while a deployment of that name still runs. */
    private String instanceName(AppSpec app) {
        boolean taken = apps.values().stream().anyMatch(r -> r.instance().equals(app.name()));
        return taken ? app.name() + "@" + generation : app.name();
    }

    private HttpHandler mount(StaticSpec mount) {
        if (!Files.exists(mount.root())) {
            // a mount with create = true: the directory a job writes into, say
            try {
                Files.createDirectories(mount.root());
            } catch (IOException e) {
                throw new StartupError("static " + mount.prefix() + ": cannot create " + mount.root() + ": " + e.getMessage(), e);
            }
        }
        log.info("static {}{} <- {}{}", hostPrefix(mount.hosts()), mount.prefix(), mount.root(),
                mount.listing() ? " (listing on)" : "");
        return StaticFiles.handler(mount);
    }

    private Router router(Plan p) {
        List<Router.VirtualHost> hosts = new ArrayList<>();
        for (HostSpec host : p.hosts()) {
            List<Route> hostRoutes = new ArrayList<>();
            p.appsOn(host).forEach(app -> hostRoutes.add(new Route(app.contextPath(), apps.get(app).handler())));
            p.staticsOn(host).forEach(mount -> hostRoutes.add(new Route(mount.prefix(), mounts.get(mount))));
            hosts.add(new Router.VirtualHost(host, hostRoutes));
        }
        return new Router(hosts, this::httpsPort);
    }

    /** The handlers a request passes, built innermost first so it reads like the request's path. */
    private HttpHandler handlerChain(Switch routes) {
        HttpHandler h = routes; // the current Router: virtual host -> context path, then the https redirect
        if (BodyTimeout.enabled(plan.limits())) {
            h = new BodyTimeout(plan.limits(), h); // a trickled request body must not hold a worker
        }
        if (acme != null) {
            h = acme.http01().wrap(h); // before the redirect: the CA asks over plain HTTP
        }
        if (plan.logging().accessLog().isPresent()) {
            accessLog = AccessLog.open(plan.logging().accessLog().get());
            h = accessLog.wrap(h);
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

    private Running startApp(AppSpec app, String instance) {
        long began = System.nanoTime();
        WarDeployment deployment = new WarDeployment(app, plan.stateDir(), servlets, io, logins, instance, plan.dev());
        try {
            var handler = deployment.start();
            log.info("app {}{} <- {} ({} ms)", hostPrefix(app.hosts()), app.contextPath(), app.source(),
                    (System.nanoTime() - began) / 1_000_000);
            // its own share of the workers: an app that blocks them all cannot starve the rest; and
            // a small body is read before a worker is taken: a slow POST holds none
            var share = new WorkerShare(hostPrefix(app.hosts()) + app.contextPath(), app.limits(), server.worker());
            return new Running(instance, deployment, bodies.wrap(share.wrap(handler)));
        } catch (DeploymentError e) {
            log.error("app {} failed to start, answering 503: {}", app.contextPath(), e.getMessage());
            log.debug("app {} start failure", app.contextPath(), e);
            return new Running(instance, null, new Unavailable(app.contextPath()));
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

    /** The local CA's certificate for localhost and the plan's host names; how to trust it, the first time. */
    private static CertSpec localCertificate(Plan p) {
        LocalCa ca = LocalCa.in(p.stateDir());
        boolean created = !ca.exists();
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
        server.addresses().forEach((spec, bound) -> {
            String host = bound.getAddress().isAnyLocalAddress() ? "localhost" : spec.host();
            urls.add(URI.create(spec.scheme() + "://" + new ListenerSpec(host, 0).authority(bound.getPort()) + "/"));
        });
        return urls;
    }

    /** The scheduled jobs (for the admin channel and tests). */
    public Jobs jobs() {
        return jobs;
    }

    /** The admin channel's URL, if it runs. */
    public Optional<String> adminUrl() {
        return Optional.ofNullable(admin).map(AdminServer::url);
    }

    private void publishDeployments() {
        Map<AppSpec, WarDeployment> now = new LinkedHashMap<>();
        apps.forEach((spec, running) -> {
            if (running.deployment() != null) {
                now.put(spec, running.deployment());
            }
        });
        deployed = Map.copyOf(now);
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

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long began = System.nanoTime();
        if (admin != null) {
            admin.close();
        }
        if (jobs != null) {
            jobs.close(); // before the apps: a job may be using them
        }
        if (server != null && !server.drain(plan.shutdownTimeout())) {
            log.warn("requests still running after {} s; stopping anyway", plan.shutdownTimeout().toSeconds());
        }
        List<Running> running = new ArrayList<>(apps.values());
        for (int i = running.size() - 1; i >= 0; i--) {
            if (running.get(i).deployment() != null) {
                running.get(i).deployment().stop();
            }
        }
        apps.clear();
        deployed = Map.of();
        if (server != null) {
            server.stop();
        }
        if (accessLog != null) {
            accessLog.close();
        }
        if (acme != null) {
            acme.close();
        }
        if (staples != null) {
            staples.close();
        }
        if (certificates != null) {
            certificates.close();
        }
        log.info("stopped in {} ms", (System.nanoTime() - began) / 1_000_000);
    }
}
