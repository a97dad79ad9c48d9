package dev.container.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code apps}: WAR files or exploded directories, each at a context path (from its name
 * unless given) on its hosts, with its context parameters, env entries, request limits, and
 * whether a javax.servlet WAR is migrated ({@code migrate}, default true); resources (DataSources,
 * read by {@link ResourcesSection}); when it is deployed ({@code start}: eager, the default, at start;
 * lazy, on its first request).
 */
final class AppsSection {
    /** The keys of an app object, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of("apps[]", List.of("war", "path", "hosts", "context-params",
            "env-entries", "resources", "jars", "max-requests", "max-queued", "optional", "migrate", "start"));

    private AppsSection() {
    }

    /** A HOCON scalar as the type an env entry has: Integer or Long for whole numbers, Double, Boolean, String. */
    private static Object envValue(Object unwrapped) {
        if (unwrapped instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && !(n instanceof Double && String.valueOf(n).contains("."))) {
                long l = n.longValue();
                return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) (int) l : (Object) l;
            }
            return d;
        }
        return unwrapped instanceof Boolean ? unwrapped : String.valueOf(unwrapped);
    }

    static List<AppSpec> read(Section top, HostsSection hosts, PathClaims claims) {
        Reading reading = top.reading;
        List<AppSpec> apps = new ArrayList<>();
        top.list("apps", "a list of apps such as [shop.war, { war = api.war, path = /api }]", (value, at) -> {
            Reading.Entry war = reading.entry(value, at, "apps[]", "war",
                    "a WAR path or { war = ..., path = ... }", "an app needs war = PATH (a WAR file or an exploded directory)");
            if (war == null) {
                return;
            }
            Section app = war.section();
            Path source = war.path();
            String contextPath = null;
            if (app != null && app.has("path") != null) {
                contextPath = app.contextPath("path");
            } else if (source != null) {
                String name = source.getFileName() == null ? "" : source.getFileName().toString();
                contextPath = ContextPaths.fromFileName(name);
            }
            List<String> hostIds = app == null ? List.of() : hosts.ids(app);
            Map<String, String> params = new LinkedHashMap<>();
            Map<String, Object> envEntries = new LinkedHashMap<>();
            AppLimits limits = AppLimits.DEFAULT;
            boolean optional = app != null && app.bool("optional").orElse(false);
            boolean migrate = app == null || app.bool("migrate").orElse(true);
            boolean lazy = app != null && app.choice("start", List.of("eager", "lazy")).orElse("eager").equals("lazy");
            Origin declaredAt = reading.origin(at, value);
            AppResources resources = new AppResources(List.of(), List.of(), Optional.of(declaredAt));
            if (app != null) {
                limits = new AppLimits(
                        app.integer("max-requests", 1, Integer.MAX_VALUE).orElse(AppLimits.DEFAULT.maxRequests()),
                        app.integer("max-queued", 0, Integer.MAX_VALUE).orElse(AppLimits.DEFAULT.maxQueued()));
                app.object("context-params", "an object of parameter names and values", (name, v, paramAt) -> {
                    if (reading.scalar(v, paramAt, "a parameter value (a string)")) {
                        params.put(name, String.valueOf(v.unwrapped()));
                    }
                });
                app.object("env-entries", "an object of java:comp/env names and values", (name, v, entryAt) -> {
                    if (reading.scalar(v, entryAt, "a string, number or boolean")) {
                        envEntries.put(name, envValue(v.unwrapped()));
                    }
                });
                resources = ResourcesSection.read(app, source, envEntries.keySet(), declaredAt);
                app.finish();
            }
            if (source == null || contextPath == null) {
                return;
            }
            boolean exploded = Files.isDirectory(source);
            if (!exploded && !Files.exists(source)) {
                reading.problem(war.mainAt(), war.main(), "no such file or directory: " + source);
                return;
            }
            if (!exploded && !PlanBuilder.isZip(source)) {
                reading.problem(war.mainAt(), war.main(), "not a WAR (zip) file: " + source);
                return;
            }
            if (claims.claim(hostIds, contextPath, at, value, "app")) {
                apps.add(new AppSpec(source, contextPath, exploded, hostIds, params, envEntries, Optional.empty(), limits)
                        .withOptional(optional).withMigrate(migrate).withResources(resources).withLazy(lazy));
            }
        });
        return apps;
    }
}
