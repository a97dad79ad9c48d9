package dev.container.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Collections;
import java.util.Optional;

/**
 * One web application: a WAR file or an exploded directory, served at {@code contextPath}
 * ("/" for the root app, otherwise "/name" with no trailing slash) on the given hosts (by
 * {@link HostSpec#id()}; none means the default host). {@link #name()} identifies the app in
 * logs and in the state directory, unique within a plan. {@code contextParams} are set on the
 * ServletContext and win over the app's own web.xml values of the same name. {@code users} is
 * what the app's security constraints and login-config check logins against; with none, every
 * login fails. {@code envEntries} are the app's {@code java:comp/env} names (String, Integer,
 * Long, Double or Boolean values), as Tomcat's {@code <Environment>} gives them. {@code limits} is
 * the app's share of the worker threads. An {@code optional} app that fails to start leaves the
 * server ready ({@code GET /health/ready}); any other failed app makes it not ready. With
 * {@code migrate}, a WAR built for javax.servlet (Java EE 8 or older) is migrated to jakarta.* at
 * deploy; without it, such a WAR is refused. {@code resources} are its DataSources and the jars of
 * their drivers. A {@code lazy} app ({@code start = lazy}) is not deployed at start but on its first
 * request, which waits for it (Tomcat's {@code deployOnStartup=false}).
 */
public record AppSpec(Path source, String contextPath, boolean exploded, List<String> hosts,
                      Map<String, String> contextParams, Map<String, Object> envEntries, Optional<Users> users,
                      AppLimits limits, boolean optional, boolean migrate, AppResources resources, boolean lazy) {
    public AppSpec {
        ContextPaths.requireValid(contextPath);
        hosts = List.copyOf(hosts);
        contextParams = Collections.unmodifiableMap(new TreeMap<>(contextParams));
        envEntries = Collections.unmodifiableMap(new TreeMap<>(envEntries));
    }

    /** An app on the default host with no context params, as a command-line --war gives. */
    public AppSpec(Path source, String contextPath, boolean exploded) {
        this(source, contextPath, exploded, List.of(), Map.of());
    }

    /** An app that is not optional, and migrated when it is built for javax.servlet. */
    public AppSpec(Path source, String contextPath, boolean exploded, List<String> hosts,
                   Map<String, String> contextParams, Map<String, Object> envEntries, Optional<Users> users,
                   AppLimits limits) {
        this(source, contextPath, exploded, hosts, contextParams, envEntries, users, limits, false, true, AppResources.NONE,
                false);
    }

    /** An app without env entries or users (until {@link #withUsers}), with the default limits. */
    public AppSpec(Path source, String contextPath, boolean exploded, List<String> hosts,
                   Map<String, String> contextParams) {
        this(source, contextPath, exploded, hosts, contextParams, Map.of(), Optional.empty(), AppLimits.DEFAULT);
    }

    public AppSpec withUsers(Optional<Users> users) {
        return new AppSpec(source, contextPath, exploded, hosts, contextParams, envEntries, users, limits, optional,
                migrate, resources, lazy);
    }

    /** This app, optional or not (see the class comment). */
    public AppSpec withOptional(boolean isOptional) {
        return new AppSpec(source, contextPath, exploded, hosts, contextParams, envEntries, users, limits, isOptional,
                migrate, resources, lazy);
    }

    /** This app, migrated from javax.* or refused when it is built for javax.servlet (see the class comment). */
    public AppSpec withMigrate(boolean migrateJavax) {
        return new AppSpec(source, contextPath, exploded, hosts, contextParams, envEntries, users, limits, optional,
                migrateJavax, resources, lazy);
    }

    /** This app with the given DataSources and driver jars. */
    public AppSpec withResources(AppResources appResources) {
        return new AppSpec(source, contextPath, exploded, hosts, contextParams, envEntries, users, limits, optional,
                migrate, appResources, lazy);
    }

    /** This app, deployed on its first request ({@code start = lazy}) or at start (see the class comment). */
    public AppSpec withLazy(boolean deployOnFirstRequest) {
        return new AppSpec(source, contextPath, exploded, hosts, contextParams, envEntries, users, limits, optional,
                migrate, resources, deployOnFirstRequest);
    }

    /** "/shop", or "main:/shop" on named hosts: how the log names the app. */
    public String label() {
        return (hosts.isEmpty() ? "" : String.join(",", hosts) + ":") + contextPath;
    }

    /**
     * A short, file-name-safe name: "ROOT" for "/", else the context path without its slash, with
     * '#' for inner slashes (Tomcat's file names); an app on named hosts is prefixed by the first
     * host's id and '~', so that "/" of two hosts are two names.
     */
    public String name() {
        String base = contextPath.equals("/") ? "ROOT" : contextPath.substring(1).replace('/', '#');
        return hosts.isEmpty() ? base : hosts.get(0) + "~" + base;
    }
}
