package dev.container.deploy;

import dev.container.config.AppSpec;
import dev.container.sessions.SharedSessions;
import io.undertow.server.HttpHandler;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.ServletInfo;
import io.undertow.servlet.handlers.DefaultServlet;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.api.ServletStackTraces;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jboss.jandex.IndexView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One web application, from WAR (or exploded directory) to a running Undertow servlet deployment:
 * unpack, class loader, web.xml and fragments, java:comp/env and its DataSources, annotations,
 * resource injection, ServletContainerInitializers, start. {@link #start()} either leaves a
 * serving deployment or throws {@link DeploymentError} having released what it took;
 * {@link #stop()} runs contextDestroyed, closes the DataSources and frees the class loader.
 * Not thread-safe: the container starts and stops each deployment from one thread.
 */
public final class WarDeployment {
    private static final Logger log = LoggerFactory.getLogger(WarDeployment.class);
    /** The container's own lines about its apps, under the name Container writes them with. */
    private static final Logger events = LoggerFactory.getLogger("container");

    private final AppSpec spec;
    private final String instance;
    private final boolean dev;
    private final Path stateDir;
    private final ServletContainer servletContainer;
    private final IoResources io;
    private final LoginGuard logins;
    /** Where a distributable app's sessions go when the storage is shared; empty: in memory, as every other app's. */
    private final Optional<SharedSessions> sessions;
    private DeploymentManager manager;
    private WebAppClassLoader loader;
    private ConnectionPools pools;
    /** The jar indexes of the apps deploying together with this one (see {@link #shareIndexes}). */
    private SharedIndexes sharedIndexes = new SharedIndexes();

    public WarDeployment(AppSpec spec, Path stateDir, ServletContainer servletContainer, IoResources io,
                         LoginGuard logins) {
        this(spec, stateDir, servletContainer, io, logins, spec.name(), false, Optional.empty());
    }

    /**
     * @param instance names this deployment's directories in the state dir and its Undertow
     *                 deployment: the app's name, or a name of its own for a deployment that runs
     *                 beside an older one of the same app during a reload
     * @param logins   the server's one guard of logins (lockout), shared by every app
     * @param dev      error pages with stack traces (dev mode); otherwise those are for the log only
     * @param sessions the shared sessions (storage type postgres): an app that declares
     *                 {@code <distributable/>} keeps its sessions there
     */
    public WarDeployment(AppSpec spec, Path stateDir, ServletContainer servletContainer, IoResources io,
                         LoginGuard logins, String instance, boolean dev, Optional<SharedSessions> sessions) {
        this.instance = instance;
        this.dev = dev;
        this.spec = spec;
        this.stateDir = stateDir;
        this.servletContainer = servletContainer;
        this.io = io;
        this.logins = logins;
        this.sessions = sessions;
    }

    /** Takes the jar indexes from (and gives them to) the apps deploying together with this one; call before start. */
    public WarDeployment shareIndexes(SharedIndexes shared) {
        this.sharedIndexes = shared;
        return this;
    }

    public AppSpec spec() {
        return spec;
    }

    /** The app's class loader (for class jobs that use its code); null before start. */
    public ClassLoader classLoader() {
        return loader;
    }

    /** Deploys and starts the app; returns the handler that serves its context path. */
    public HttpHandler start() throws DeploymentError {
        try {
            return startOrStop();
        } finally {
            sharedIndexes = null; // the other apps' indexes are not this deployment's to keep
        }
    }

    private HttpHandler startOrStop() throws DeploymentError {
        try {
            return deploy();
        } catch (DeploymentError e) {
            stop();
            throw e;
        } catch (VirtualMachineError e) {
            // Out of memory or the like: the whole JVM is in trouble, not just this app.
            stop();
            throw e;
        } catch (RuntimeException | Error e) {
            // Errors too: an app's broken META-INF/services (ServiceConfigurationError) or a failed
            // assertion at start-up must fail that app, not the container and the other apps.
            stop();
            throw new DeploymentError(spec.name() + ": failed to start: " + describe(e), e);
        }
    }

    private HttpHandler deploy() throws DeploymentError {
        String appName = spec.name();
        Unpacked app = jakartaApp();
        Path root = app.root();
        Path webInf = root.resolve("WEB-INF");
        Path classes = webInf.resolve("classes");
        List<Path> jars = app.jars();

        List<URL> urls = new ArrayList<>();
        if (Files.isDirectory(classes)) {
            urls.add(url(classes));
        }
        for (Path jar : jars) {
            urls.add(url(jar));
        }
        // The config file's jars (JDBC drivers the WAR does not ship) come after the app's own, as Tomcat's lib/.
        for (Path jar : spec.resources().jars()) {
            urls.add(url(jar));
        }
        loader = new WebAppClassLoader(appName, urls, WarDeployment.class.getClassLoader());

        String source = spec.source().getFileName().toString();
        WebDescriptor main = readDescriptor(webInf.resolve("web.xml"), source + "!/WEB-INF/web.xml");
        List<FragmentJar> fragmentJars = new ArrayList<>();
        for (Path jar : jars) {
            // A metadata-complete web.xml ignores fragments (§8.2.1), so they are not even read.
            fragmentJars.add(new FragmentJar(jar, main.metadataComplete() ? Optional.empty() : readFragment(jar, source)));
        }
        FragmentOrder order = Fragments.order(main, fragmentJars);
        WebDescriptor descriptor = order.merged();

        Path tempDir = stateDir.resolve("tmp").resolve(instance);
        createDirectories(tempDir);
        WebResources resources = WebResources.of(root, jars, stateDir.resolve("resources").resolve(instance));
        DeploymentInfo info = Servlets.deployment()
                .setDeploymentName(instance)
                .setDisplayName(appName)
                .setContextPath(spec.contextPath())
                .setClassLoader(loader)
                .setResourceManager(resources)
                .setTempDir(tempDir)
                // Stack traces are for the log, not for visitors (in dev mode, the visitor is the developer).
                .setServletStackTraces(dev ? ServletStackTraces.ALL : ServletStackTraces.NONE)
                .setExceptionHandler(new RequestFailures(spec.contextPath(), dev))
                .addServlet(defaultServlet());
        SessionDefaults.apply(info);
        sharedSessions(info, main, descriptor, fragmentJars, order);

        List<Path> scanned = new ArrayList<>();
        if (Files.isDirectory(classes)) {
            scanned.add(classes);
        }
        scanned.addAll(order.orderedJars());
        Map<Path, IndexView> indexes = app.indexes();
        IndexView index = ClassIndex.combine(indexes, scanned);
        if (descriptor.metadataComplete()) {
            DescriptorApplier.apply(descriptor, info, loader);
        } else {
            List<Path> annotated = new ArrayList<>(scanned);
            annotated.removeAll(order.metadataCompleteJars());
            IndexView annotatedIndex = ClassIndex.combine(indexes, annotated);
            AnnotatedComponents components = AnnotatedComponents.scan(annotatedIndex, loader, appName);
            components.addUndeclared(descriptor, info);
            DescriptorApplier.apply(descriptor, info, loader);
            components.mergeDeclared(descriptor, info);
        }
        JspEngine.Pages pages = JspEngine.find(resources.roots());
        if (pages.any() || descriptor.servlets().stream().anyMatch(sv -> sv.jspFile().isPresent())) {
            JspEngine.apply(info, descriptor, pages, tempDir.resolve("jsp"));
        }
        Initializers.apply(index, info, loader, order.excludedJars(), appName);
        WebSockets.apply(index, info, loader, io, appName);
        Logins.apply(info, spec.users(), logins, appName);
        // The operator's context params win over the app's web.xml: they configure this deployment.
        spec.contextParams().forEach(info::addInitParameter);
        // java:comp/env before any of the app's code runs: its initializers, listeners and servlets look it up.
        pools = ConnectionPools.open(spec.resources().dataSources(), loader, appName);
        AppNaming naming = AppNaming.of(appName, spec.envEntries(), descriptor.environment(), pools.dataSources(),
                spec.resources());
        Jndi.register(loader, naming.bindings());
        new ResourceInjection(naming, descriptor.environment(), loader, !descriptor.metadataComplete(), appName)
                .apply(info);

        manager = servletContainer.addDeployment(info);
        manager.deploy();
        try {
            return manager.start();
        } catch (jakarta.servlet.ServletException e) {
            throw new DeploymentError(appName + ": failed to start: " + describe(e), e);
        }
    }

    /**
     * A distributable app's sessions in the shared storage, when there is one; said in the log
     * either way, and when web.xml asks for it but a fragment does not go along.
     */
    private void sharedSessions(DeploymentInfo info, WebDescriptor main, WebDescriptor merged,
                                List<FragmentJar> fragmentJars, FragmentOrder order) {
        if (sessions.isEmpty() || !main.distributable()) {
            return;
        }
        if (merged.distributable()) {
            sessions.get().apply(info, spec.label());
            events.info("app {}: <distributable/>: sessions kept in PostgreSQL, shared by the nodes", spec.label());
            return;
        }
        String against = fragmentJars.stream()
                .filter(j -> order.orderedJars().contains(j.jar()))
                .filter(j -> j.fragment().isPresent() && !j.fragment().get().distributable())
                .map(j -> "WEB-INF/lib/" + j.jar().getFileName())
                .collect(java.util.stream.Collectors.joining(", "));
        events.warn("app {}: web.xml is <distributable/> but the web-fragment.xml of {} is not, so the app is not"
                + " (Servlet 6.0 section 8.2.3): its sessions stay in each node's memory", spec.label(), against);
    }

    /** An app's files on disk: its root directory, WEB-INF/lib's jars, and the class index of each jar and of WEB-INF/classes. */
    private record Unpacked(Path root, List<Path> jars, Map<Path, IndexView> indexes) {
    }

    /**
     * The app unpacked and indexed, built for Jakarta Servlet: as it is, or migrated from
     * javax.servlet ({@link JakartaMigration}), or a {@link DeploymentError} when it is a javax app
     * that is not to be migrated (an exploded directory, migrate = false).
     */
    private Unpacked jakartaApp() throws DeploymentError {
        String appName = spec.name();
        JakartaMigration migrations = new JakartaMigration(stateDir.resolve("migrated"));
        Path war = spec.source();
        if (!spec.exploded() && spec.migrate()) {
            Optional<Path> copy = migrations.cached(appName, war);
            if (copy.isPresent()) {
                war = copy.get();
                events.info("app {}: javax.* app migrated to jakarta.* (cached)", spec.label());
            }
        }
        Unpacked app = unpackAndIndex(war);
        Optional<String> javax = JavaxServletCheck.javaxUser(ClassIndex.combine(app.indexes(), app.indexes().keySet()));
        if (javax.isEmpty()) {
            return app;
        } else if (spec.exploded()) {
            throw JavaxServletCheck.exploded(appName, javax.get());
        } else if (!spec.migrate()) {
            throw JavaxServletCheck.notMigrated(appName, javax.get());
        } else if (!war.equals(spec.source())) {
            throw JavaxServletCheck.stillJavax(appName, javax.get());
        }
        JakartaMigration.Migrated migrated = migrations.migrate(appName, war);
        events.info("app {}: javax.* app migrated to jakarta.* ({})", spec.label(),
                migrated.took().map(t -> t.toMillis() + " ms").orElse("cached"));
        app = unpackAndIndex(migrated.war());
        javax = JavaxServletCheck.javaxUser(ClassIndex.combine(app.indexes(), app.indexes().keySet()));
        if (javax.isPresent()) {
            throw JavaxServletCheck.stillJavax(appName, javax.get());
        }
        return app;
    }

    /**
     * The WAR unpacked into STATE/apps (or the exploded directory as it is), with the index of every
     * class root: WEB-INF/classes and each jar of WEB-INF/lib, also those an absolute ordering leaves
     * out of the annotation scan (whether the app is a javax one is asked of all its classes).
     */
    private Unpacked unpackAndIndex(Path war) throws DeploymentError {
        Path root = spec.exploded() ? spec.source() : WarUnpacker.unpack(war, stateDir.resolve("apps"), instance);
        Path classes = root.resolve("WEB-INF").resolve("classes");
        List<Path> jars = libraryJars(root.resolve("WEB-INF").resolve("lib"));
        List<Path> roots = new ArrayList<>();
        if (Files.isDirectory(classes)) {
            roots.add(classes);
        }
        roots.addAll(jars);
        return new Unpacked(root, jars,
                ClassIndex.perRoot(roots, stateDir.resolve("index").resolve(spec.name()), spec.name(),
                        sharedIndexes != null ? sharedIndexes : new SharedIndexes()));
    }

    /** Runs contextDestroyed and friends, then frees the class loader. Safe after a failed start. */
    public void stop() {
        if (manager != null) {
            DeploymentInfo info = manager.getDeployment().getDeploymentInfo();
            try {
                manager.stop();
            } catch (jakarta.servlet.ServletException | RuntimeException e) {
                log.warn("{}: error while stopping: {}", spec.name(), describe(e));
            }
            try {
                manager.undeploy();
            } catch (RuntimeException e) {
                log.warn("{}: error while undeploying: {}", spec.name(), describe(e));
            }
            servletContainer.removeDeployment(info);
            manager = null;
        }
        if (pools != null) {
            // After the app stopped: its @PreDestroy methods and contextDestroyed may still use them.
            pools.close();
            pools = null;
        }
        if (loader != null) {
            // The JDK's bean introspection cache (java.beans, used by EL and JSTL tags) keeps soft
            // references to the app's classes, and through them its class loader, until the heap runs
            // short: every redeploy of a JSP app left one loader behind. Tomcat flushes it too.
            java.beans.Introspector.flushCaches();
            Jndi.unregister(loader);
            try {
                loader.close();
            } catch (IOException e) {
                log.debug("{}: closing class loader: {}", spec.name(), e.toString());
            }
            loader = null;
        }
        if (!instance.equals(spec.name())) {
            // A reload's side-by-side copy: the next start unpacks under the app's own name.
            for (String dir : List.of("apps", "tmp", "resources")) {
                deleteTree(stateDir.resolve(dir).resolve(instance));
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.debug("cannot delete {}: {}", path, e.toString());
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            log.debug("cannot delete {}: {}", dir, e.toString());
        }
    }

    /**
     * Undertow's static-resource servlet, configured so it never sends JSP source as text: a page
     * the JSP servlet does not get (an app without JSP pages, a .jspf fragment, a tag file) is a 404
     * rather than a leak of its code. An app may still map more patterns to "default" in web.xml,
     * as apps written for Tomcat do.
     * <p>
     * It is registered without a mapping: Undertow makes the servlet named "default" serve "/" when
     * the app maps nothing there. Mapped to "/" itself it would be a conflict for an app's own
     * front servlet, in web.xml or from an initializer (Spring's DispatcherServlet), which Tomcat
     * lets override its default servlet.
     */
    private static ServletInfo defaultServlet() {
        return Servlets.servlet("default", DefaultServlet.class)
                .addInitParam(DefaultServlet.DISALLOWED_EXTENSIONS, "jsp,jspx,jspf,tag,tagx");
    }

    private static List<Path> libraryJars(Path lib) throws DeploymentError {
        if (!Files.isDirectory(lib)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(lib)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DeploymentError("cannot list " + lib + ": " + e.getMessage(), e);
        }
    }

    private static WebDescriptor readDescriptor(Path file, String source) throws DeploymentError {
        if (!Files.isRegularFile(file)) {
            return WebDescriptor.empty(source);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return WebXml.parse(in, source);
        } catch (IOException e) {
            throw new DeploymentError(source + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Optional<WebDescriptor> readFragment(Path jar, String war) throws DeploymentError {
        String source = war + "!/WEB-INF/lib/" + jar.getFileName() + "!/META-INF/web-fragment.xml";
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            var entry = file.getEntry("META-INF/web-fragment.xml");
            if (entry == null) {
                return Optional.empty();
            }
            try (InputStream in = file.getInputStream(entry)) {
                return Optional.of(WebXml.parse(in, source));
            }
        } catch (IOException e) {
            throw new DeploymentError(war + ": WEB-INF/lib/" + jar.getFileName() + " is not a readable jar ("
                    + e.getMessage() + ")", e);
        }
    }

    private static URL url(Path path) {
        try {
            return path.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException("a file path always has a URL: " + path, e);
        }
    }

    private static void createDirectories(Path dir) throws DeploymentError {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DeploymentError("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The innermost cause, as "Type: message" naming the class at fault, for the one log line a
     * failed app gets (Undertow wraps listener and initializer failures several times).
     */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        StackTraceElement origin = origin(root.getStackTrace());
        String where = origin == null ? "" : " at " + origin.getClassName() + "." + origin.getMethodName()
                + "(" + origin.getFileName() + ":" + origin.getLineNumber() + ")";
        return root.getClass().getName() + message + where;
    }

    /**
     * The first frame outside the JDK and our class loader: a missing class is thrown deep in
     * class-loading code, and the user needs the frame that asked for it (an initializer of a
     * library that needs another server, say), not jdk.internal.loader.BuiltinClassLoader.
     */
    private static StackTraceElement origin(StackTraceElement[] frames) {
        for (StackTraceElement frame : frames) {
            String type = frame.getClassName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")
                    && !type.equals(WebAppClassLoader.class.getName())) {
                return frame;
            }
        }
        return frames.length > 0 ? frames[0] : null;
    }
}
