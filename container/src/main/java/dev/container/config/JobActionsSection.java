package dev.container.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads what a job does, for {@link JobsSection}: its {@code http}, {@code command} or
 * {@code class}, each as a short form or an object. The hosts, apps, directories, jars and classes
 * it names must exist. One instance per file read; not thread-safe.
 */
final class JobActionsSection {
    /** The keys of each kind of job, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of(
            "jobs.*.http", List.of("method", "path", "host", "headers", "body"),
            "jobs.*.command", List.of("argv", "dir", "env"),
            "jobs.*.class", List.of("name", "app", "jars", "data"));

    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    private static final Pattern CLASS_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

    private final Reading reading;

    JobActionsSection(Reading reading) {
        this.reading = reading;
    }

    /** {@code http = "GET /path"} (the method optional) or {@code http { method, path, host, headers, body }}. */
    JobSpec.CallHttp http(Section job, List<HostSpec> hosts) {
        ConfigValue v = job.has("http");
        At at = job.at.child("http");
        if (v == null) {
            return null;
        }
        String expected = "\"METHOD /path\" or { method = GET, path = /path }";
        if (v.valueType() == ConfigValueType.STRING) {
            String[] parts = ((String) v.unwrapped()).trim().split("\\s+");
            String method = parts.length == 2 ? parts[0] : JobsSection.DEFAULT_METHOD;
            String path = parts[parts.length - 1];
            if (parts.length > 2 || !METHOD.matcher(method).matches() || !path.startsWith("/")) {
                reading.problem(at, v, "expected " + expected + ", got '" + v.unwrapped() + "'");
                return null;
            }
            return new JobSpec.CallHttp(method, path, Optional.empty(), List.of(), "");
        }
        if (!reading.isType(v, at, ConfigValueType.OBJECT, expected)) {
            return null;
        }
        Section s = reading.section((ConfigObject) v, at, "jobs.*.http");
        String method = s.string("method").orElse(JobsSection.DEFAULT_METHOD);
        if (!METHOD.matcher(method).matches()) {
            s.problemAt("method", "expected an HTTP method such as GET or POST, got '" + method + "'");
        }
        Optional<String> path = s.string("path");
        if (path.isEmpty() && s.object.get("path") == null) {
            reading.problem(at, v, "an http job needs path = /...");
        } else if (path.isPresent() && !path.get().startsWith("/")) {
            s.problemAt("path", "expected a path starting with '/', got '" + path.get() + "'");
        }
        Optional<String> host = s.string("host");
        if (host.isPresent() && hosts.stream().noneMatch(h -> h.id().equals(host.get()))) {
            s.problemAt("host", "no host '" + host.get() + "' in the hosts section"
                    + Reading.suggestion(host.get(), hosts.stream().map(HostSpec::id).toList()));
        }
        List<Header> headers = new ArrayList<>();
        s.object("headers", "an object of header names and values", (name, hv, hat) -> {
            if (reading.scalar(hv, hat, "a header value (a string)")) {
                headers.add(new Header(name, String.valueOf(hv.unwrapped())));
            }
        });
        String body = s.string("body").orElse("");
        s.finish();
        if (path.isEmpty() || !path.get().startsWith("/") || !METHOD.matcher(method).matches()) {
            return null;
        }
        return new JobSpec.CallHttp(method, path.get(), host, headers, body);
    }

    /** {@code command = [argv...]} or {@code command { argv = [...], dir = DIR, env { NAME = value } }}. */
    JobSpec.RunCommand command(Section job) {
        ConfigValue v = job.has("command");
        At at = job.at.child("command");
        if (v == null) {
            return null;
        }
        if (v.valueType() == ConfigValueType.LIST) {
            List<String> argv = argv((ConfigList) v, at);
            return argv == null ? null : new JobSpec.RunCommand(argv, Optional.empty(), Map.of());
        }
        if (!reading.isType(v, at, ConfigValueType.OBJECT, "[program, args...] or { argv = [...], dir = ..., env { } }")) {
            return null;
        }
        Section s = reading.section((ConfigObject) v, at, "jobs.*.command");
        ConfigValue argvValue = s.has("argv");
        List<String> argv = null;
        if (argvValue == null) {
            reading.problem(at, v, "a command needs argv = [program, args...]");
        } else if (reading.isType(argvValue, at.child("argv"), ConfigValueType.LIST, "a list [program, args...]")) {
            argv = argv((ConfigList) argvValue, at.child("argv"));
        }
        Optional<Path> dir = s.path("dir");
        if (dir.isPresent() && !Files.isDirectory(dir.get())) {
            s.problemAt("dir", "no such directory: " + dir.get());
        }
        Map<String, String> env = new LinkedHashMap<>();
        s.object("env", "an object of environment variable names and values", (name, ev, eat) -> {
            if (reading.scalar(ev, eat, "a value (a string)")) {
                env.put(name, String.valueOf(ev.unwrapped()));
            }
        });
        s.finish();
        if (argv == null || (dir.isPresent() && !Files.isDirectory(dir.get()))) {
            return null;
        }
        return new JobSpec.RunCommand(argv, dir, env);
    }

    private List<String> argv(ConfigList list, At at) {
        if (list.isEmpty()) {
            reading.problem(at, list, "expected [program, args...], got an empty list");
            return null;
        }
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!reading.scalar(list.get(i), at.index(i), "a string")) {
                return null;
            }
            argv.add(String.valueOf(list.get(i).unwrapped()));
        }
        return argv;
    }

    /** {@code class = a.b.Job} or {@code class { name, app = "/ctx" or "host:/ctx", jars = [...], data { } }}. */
    JobSpec.RunClass runClass(Section job, List<HostSpec> hosts, List<AppSpec> apps) {
        ConfigValue v = job.has("class");
        At at = job.at.child("class");
        if (v == null) {
            return null;
        }
        if (v.valueType() == ConfigValueType.STRING) {
            String name = ((String) v.unwrapped()).trim();
            if (!checkClassName(name, at, v)) {
                return null;
            }
            if (!ClassFiles.inContainer(name)) {
                reading.problem(at, v, "class " + name + " not found on the container's class path (name an app = ... or jars = [...])");
                return null;
            }
            return new JobSpec.RunClass(name, Optional.empty(), Optional.empty(), List.of(), Map.of());
        }
        if (!reading.isType(v, at, ConfigValueType.OBJECT, "a class name or { name = ..., app = /ctx }")) {
            return null;
        }
        Section s = reading.section((ConfigObject) v, at, "jobs.*.class");
        Optional<String> name = s.string("name");
        if (name.isEmpty() && s.object.get("name") == null) {
            reading.problem(at, v, "a class job needs name = the class (an org.quartz.Job or a Runnable)");
        }
        boolean nameOk = name.isPresent() && checkClassName(name.get(), at.child("name"), s.object.get("name"));
        Optional<String> appRef = s.string("app");
        AppSpec app = appRef.map(ref -> app(ref, s, hosts, apps)).orElse(null);
        List<Path> jars = new ArrayList<>();
        boolean[] badJar = {false};
        s.list("jars", "a list of jar files", (jv, jat) -> {
            Path jar = reading.path(jv, jat);
            if (jar == null) {
                badJar[0] = true;
            } else if (!Files.isRegularFile(jar)) {
                reading.problem(jat, jv, "no such file: " + jar);
                badJar[0] = true;
            } else if (!PlanBuilder.isZip(jar)) {
                reading.problem(jat, jv, "not a jar (zip) file: " + jar);
                badJar[0] = true;
            } else {
                jars.add(jar);
            }
        });
        if (appRef.isPresent() && !jars.isEmpty()) {
            s.problemAt("jars", "a class job loads from its app or from jars, not both");
        }
        Map<String, String> data = new LinkedHashMap<>();
        s.object("data", "an object of names and values", (dn, dv, dat) -> {
            if (reading.scalar(dv, dat, "a value (a string)")) {
                data.put(dn, String.valueOf(dv.unwrapped()));
            }
        });
        s.finish();
        if (!nameOk || (appRef.isPresent() && app == null) || badJar[0]) {
            return null;
        }
        String className = name.get().trim();
        boolean found;
        String where;
        if (app != null) {
            found = ClassFiles.inWar(app.source(), className);
            where = "app " + appRef.get() + " (" + app.source() + ")";
        } else if (!jars.isEmpty()) {
            found = ClassFiles.inJars(jars, className);
            where = "jars " + jars;
        } else {
            found = ClassFiles.inContainer(className);
            where = "the container's class path (name an app = ... or jars = [...])";
        }
        if (!found) {
            s.problemAt("name", "class " + className + " not found in " + where);
            return null;
        }
        Optional<String> host = app == null ? Optional.empty()
                : app.hosts().isEmpty() ? Optional.empty() : Optional.of(hostOf(appRef.get(), app));
        return new JobSpec.RunClass(className, app == null ? Optional.empty() : Optional.of(app.contextPath()), host, jars, data);
    }

    /** The host id of ref ("host:/ctx"), or the app's first host. */
    private static String hostOf(String ref, AppSpec app) {
        int colon = ref.indexOf(":/");
        return colon > 0 ? ref.substring(0, colon) : app.hosts().get(0);
    }

    /** The app that "/ctx" (on the default host, or the only app at that path) or "host:/ctx" names. */
    private AppSpec app(String ref, Section s, List<HostSpec> hosts, List<AppSpec> apps) {
        int colon = ref.indexOf(":/");
        String host = colon > 0 ? ref.substring(0, colon) : null;
        String path = colon > 0 ? ref.substring(colon + 1) : ref;
        List<AppSpec> atPath = apps.stream().filter(a -> a.contextPath().equals(path)).toList();
        List<AppSpec> matches;
        if (host != null) {
            matches = atPath.stream().filter(a -> a.hosts().contains(host)
                    || (a.hosts().isEmpty() && hosts.stream().anyMatch(h -> h.isDefault() && h.id().equals(host)))).toList();
        } else if (atPath.size() > 1) {
            matches = atPath.stream().filter(a -> a.hosts().isEmpty()).toList();
        } else {
            matches = atPath;
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        List<String> known = apps.stream().map(a -> a.hosts().isEmpty() ? a.contextPath()
                : a.hosts().get(0) + ":" + a.contextPath()).toList();
        if (matches.isEmpty()) {
            s.problemAt("app", "no app at '" + ref + "' in this file" + (known.isEmpty() ? " (it has no apps)"
                    : Reading.suggestion(ref, known).isEmpty() ? " (apps: " + String.join(", ", known) + ")"
                    : Reading.suggestion(ref, known)));
        } else {
            s.problemAt("app", "'" + ref + "' is served on several hosts: write HOST:" + path);
        }
        return null;
    }

    private boolean checkClassName(String name, At at, ConfigValue v) {
        if (!CLASS_NAME.matcher(name.trim()).matches()) {
            reading.problem(at, v, "expected a class name such as com.example.NightlyReport, got '" + name + "'");
            return false;
        }
        return true;
    }
}
