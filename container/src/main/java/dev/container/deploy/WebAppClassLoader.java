package dev.container.deploy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An application's class loader with the servlet spec's delegation (Servlet 6.0 §10.7.2): the
 * app's WEB-INF/classes and WEB-INF/lib come first, except for the Java platform and the
 * container's own API and engine, which always come from the parent so an app cannot shadow them.
 * Thread-safe (parallel capable). Closing it releases the jar files.
 */
final class WebAppClassLoader extends URLClassLoader {
    static {
        ClassLoader.registerAsParallelCapable();
    }

    /**
     * Packages of the container's API and engine: always the parent's copy (as Tomcat does). The
     * JSP and EL APIs and Jasper's runtime are here because pages compiled by the container's
     * Jasper link against them; an app's own jakarta.el or JSP API jar is ignored, as on Tomcat.
     */
    private static final List<String> CONTAINER_PREFIXES = List.of(
            "jakarta.servlet.", "jakarta.websocket.", "jakarta.el.", "org.apache.jasper.", "dev.container.", "io.undertow.", "org.xnio.");

    /** The JSTL API is the app's (with the JSTL implementation it ships), although in jakarta.servlet. */
    private static final String JSTL_API_PREFIX = "jakarta.servlet.jsp.jstl.";

    /**
     * Tomcat's utility packages that Jasper brings: compiled pages use some (InstanceManager), so
     * the container's copy comes first; but Tomcat publishes other jars in them that apps ship
     * (tomcat-jdbc, org.apache.tomcat.jdbc.pool), which the container does not have.
     */
    private static final List<String> PARENT_THEN_APP_PREFIXES = List.of("org.apache.tomcat.", "org.apache.juli.");

    /**
     * Libraries the container uses for itself (JSON for the admin channel, certificates, TLS, its
     * config and CLI, ACME, the class index, the pools of the apps' DataSources): an app sees only
     * its own copy, or none, as on Tomcat, never the container's. Frameworks switch features on when
     * a class is present (Spring Boot's Jackson and HikariCP auto-configuration, and its metrics when
     * Micrometer is there), so a library an app does not ship must look absent. The container's
     * metrics registry (Micrometer, the Prometheus client and what they bring) is the container's
     * alone: an app that wants metrics ships its own.
     */
    private static final List<String> CONTAINER_PRIVATE_PREFIXES = List.of(
            "com.fasterxml.jackson.", "org.bouncycastle.", "org.conscrypt.", "com.typesafe.config.", "picocli.",
            "org.shredzone.acme4j.", "org.jboss.jandex.", "org.jose4j.", "io.micrometer.", "io.prometheus.",
            "org.HdrHistogram.", "org.jspecify.", "com.zaxxer.hikari.",
            // the cluster storage's PostgreSQL driver and schema migrations (an app ships its own driver)
            "org.postgresql.", "org.flywaydb.",
            // Tomcat's javax-to-jakarta migration tool, with the BCEL and Commons libraries it relocates there
            "org.apache.tomcat.jakartaee.");

    private static final String SERVICES = "META-INF/services/";

    /** Every package of the JDK's boot layer (java.*, javax.xml.*, org.w3c.dom, jdk.*, sun.*). */
    private static final Set<String> PLATFORM_PACKAGES = platformPackages();

    WebAppClassLoader(String appName, List<URL> urls, ClassLoader parent) {
        super("app:" + appName, urls.toArray(URL[]::new), parent);
    }

    /**
     * Defines a copy of one of the container's own classes in this loader, where it acts as the
     * app's code ({@link JdbcDriverRelease}); the copy once made is reused. The class may use only
     * the platform's classes.
     */
    Class<?> defineCopy(Class<?> containerClass) throws IOException {
        String name = containerClass.getName();
        synchronized (getClassLoadingLock(name)) {
            Class<?> defined = findLoadedClass(name);
            if (defined != null && defined.getClassLoader() == this) {
                return defined;
            }
            String resource = name.replace('.', '/') + ".class";
            byte[] bytes;
            try (var in = containerClass.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("no " + resource + " in the container");
                }
                bytes = in.readAllBytes();
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = switch (delegation(name)) {
                    case PARENT -> getParent().loadClass(name);
                    case APP -> findClass(name);
                    case PARENT_THEN_APP -> {
                        try {
                            yield getParent().loadClass(name);
                        } catch (ClassNotFoundException notInContainer) {
                            yield findClass(name);
                        }
                    }
                    case APP_THEN_PARENT -> {
                        try {
                            yield findClass(name);
                        } catch (ClassNotFoundException notInApp) {
                            yield getParent().loadClass(name);
                        }
                    }
                };
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    /**
     * Resources follow their package's class delegation: Jasper's compiler reads the .class files
     * of the types a page uses through here, and must see the classes the page will run with.
     */
    @Override
    public URL getResource(String name) {
        String asClass = resourceAsClassName(name);
        Delegation delegation = asClass == null ? Delegation.APP_THEN_PARENT : delegation(asClass);
        if (delegation == Delegation.PARENT) {
            return getParent().getResource(name);
        }
        if (delegation == Delegation.PARENT_THEN_APP) {
            URL url = getParent().getResource(name);
            return url != null ? url : findResource(name);
        }
        if (delegation == Delegation.APP) {
            return findResource(name);
        }
        URL url = findResource(name);
        return url != null ? url : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        if (!shipsServiceType(name)) {
            all.addAll(Collections.list(getParent().getResources(name)));
        }
        return Collections.enumeration(all);
    }

    /**
     * Whether {@code resource} is a META-INF/services file for a type the app has its own copy of.
     * The container's files of that name list providers of the container's copy, which ServiceLoader
     * rejects in the app ("not a subtype": the container's Logback configurator breaks an app that
     * ships Logback, its SLF4J provider one that ships only slf4j-api), so only the app's count.
     */
    private boolean shipsServiceType(String resource) {
        if (!resource.startsWith(SERVICES)) {
            return false;
        }
        String type = resource.substring(SERVICES.length());
        return !parentFirst(type) && findResource(type.replace('.', '/') + ".class") != null;
    }

    static boolean parentFirst(String className) {
        return delegation(className) == Delegation.PARENT;
    }

    /** Where a class is looked for, and in which order. */
    enum Delegation { PARENT, PARENT_THEN_APP, APP_THEN_PARENT, APP }

    static Delegation delegation(String className) {
        if (className.startsWith(JSTL_API_PREFIX)) {
            return Delegation.APP_THEN_PARENT;
        }
        for (String prefix : CONTAINER_PREFIXES) {
            if (className.startsWith(prefix)) {
                return Delegation.PARENT;
            }
        }
        // before org.apache.tomcat.: the migration tool lives in there, and is the container's alone
        for (String prefix : CONTAINER_PRIVATE_PREFIXES) {
            if (className.startsWith(prefix)) {
                return Delegation.APP;
            }
        }
        for (String prefix : PARENT_THEN_APP_PREFIXES) {
            if (className.startsWith(prefix)) {
                return Delegation.PARENT_THEN_APP;
            }
        }
        int dot = className.lastIndexOf('.');
        return dot > 0 && PLATFORM_PACKAGES.contains(className.substring(0, dot))
                ? Delegation.PARENT : Delegation.APP_THEN_PARENT;
    }

    /** "a/b/C.class" -> "a.b.C", any other resource in a package -> a pseudo class name in it. */
    private static String resourceAsClassName(String resource) {
        int slash = resource.lastIndexOf('/');
        if (slash <= 0) {
            return null;
        }
        return resource.substring(0, slash).replace('/', '.') + ".x";
    }

    private static Set<String> platformPackages() {
        Set<String> packages = new HashSet<>();
        for (Module module : ModuleLayer.boot().modules()) {
            packages.addAll(module.getPackages());
        }
        return Set.copyOf(packages);
    }
}
