package dev.container;

import dev.container.config.AppSpec;
import dev.container.config.HostSpec;
import dev.container.config.ListenerSpec;
import dev.container.config.Plan;
import dev.container.config.StaticSpec;
import dev.container.deploy.DeploymentError;
import dev.container.deploy.IoResources;
import dev.container.deploy.WarDeployment;
import dev.container.files.StaticFiles;
import dev.container.server.AccessLog;
import dev.container.server.HttpServer;
import dev.container.server.Route;
import dev.container.server.Router;
import dev.container.server.Unavailable;
import io.undertow.server.HttpHandler;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.ServletContainer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the running server from a {@link Plan}. Apps are deployed first
 * (a failing app is logged in one line and answers 503; the others go on), then the router and
 * the listeners start. {@link #close()} shuts down gracefully: stop accepting, let in-flight
 * requests finish (bounded by the plan's shutdown timeout), destroy the apps, close the listeners.
 */
public final class Container implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("container");

    private final Plan plan;
    private final List<WarDeployment> deployments = new ArrayList<>();
    private HttpServer server;
    private AccessLog accessLog;
    private boolean closed;

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
        LogSetup.applyLevel(plan.logging().level());
        prepareStateDir();
        ServletContainer servlets = Servlets.newContainer();
        server = new HttpServer(plan.listeners(), plan.limits());
        var io = new IoResources(server.worker(), server.buffers());
        Map<AppSpec, HttpHandler> apps = new HashMap<>();
        for (AppSpec app : plan.apps()) {
            apps.put(app, startApp(app, servlets, io));
        }
        Map<StaticSpec, HttpHandler> mounts = new HashMap<>();
        for (StaticSpec mount : plan.statics()) {
            mounts.put(mount, StaticFiles.handler(mount));
            log.info("static {}{} <- {}{}", hostPrefix(mount.hosts()), mount.prefix(), mount.root(),
                    mount.listing() ? " (listing on)" : "");
        }
        List<Router.VirtualHost> hosts = new ArrayList<>();
        for (HostSpec host : plan.hosts()) {
            List<Route> routes = new ArrayList<>();
            plan.appsOn(host).forEach(app -> routes.add(new Route(app.contextPath(), apps.get(app))));
            plan.staticsOn(host).forEach(mount -> routes.add(new Route(mount.prefix(), mounts.get(mount))));
            hosts.add(new Router.VirtualHost(host, routes));
        }
        server.start(handlerChain(new Router(hosts)));
        for (URI url : urls()) {
            log.info("listening on {}", url);
        }
    }

    /** The handlers a request passes, built innermost first so it reads like the request's path. */
    private HttpHandler handlerChain(Router router) {
        HttpHandler h = router; // virtual host -> context path
        if (plan.logging().accessLog().isPresent()) {
            accessLog = AccessLog.open(plan.logging().accessLog().get());
            h = accessLog.wrap(h);
        }
        return h; // HttpServer puts the graceful-shutdown gate outermost
    }

    /** "shop:" for an app or mount on named hosts, nothing on the default host (as the log shows them). */
    private static String hostPrefix(List<String> hostIds) {
        return hostIds.isEmpty() ? "" : String.join(",", hostIds) + ":";
    }

    private HttpHandler startApp(AppSpec app, ServletContainer servlets, IoResources io) {
        long began = System.nanoTime();
        WarDeployment deployment = new WarDeployment(app, plan.stateDir(), servlets, io);
        try {
            var handler = deployment.start();
            deployments.add(deployment);
            log.info("app {}{} <- {} ({} ms)", hostPrefix(app.hosts()), app.contextPath(), app.source(),
                    (System.nanoTime() - began) / 1_000_000);
            return handler;
        } catch (DeploymentError e) {
            log.error("app {} failed to start, answering 503: {}", app.contextPath(), e.getMessage());
            log.debug("app {} start failure", app.contextPath(), e);
            return new Unavailable(app.contextPath());
        }
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

    /** One URL per listener, with the real port: {@code http://localhost:8080/} for a wildcard bind. */
    public List<URI> urls() {
        List<URI> urls = new ArrayList<>();
        List<InetSocketAddress> addresses = server.addresses();
        for (int i = 0; i < addresses.size(); i++) {
            ListenerSpec spec = plan.listeners().get(i);
            InetSocketAddress bound = addresses.get(i);
            String host = bound.getAddress().isAnyLocalAddress() ? "localhost" : spec.host();
            urls.add(URI.create("http://" + new ListenerSpec(host, 0).authority(bound.getPort()) + "/"));
        }
        return urls;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long began = System.nanoTime();
        if (server != null && !server.drain(plan.shutdownTimeout())) {
            log.warn("requests still running after {} s; stopping anyway", plan.shutdownTimeout().toSeconds());
        }
        for (int i = deployments.size() - 1; i >= 0; i--) {
            deployments.get(i).stop();
        }
        deployments.clear();
        if (server != null) {
            server.stop();
        }
        if (accessLog != null) {
            accessLog.close();
        }
        log.info("stopped in {} ms", (System.nanoTime() - began) / 1_000_000);
    }
}
