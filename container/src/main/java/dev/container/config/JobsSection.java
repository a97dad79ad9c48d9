package dev.container.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the config file's {@code jobs} section and its {@code admin} key, with the rest of
 * {@link ConfigFile}'s checking: every problem as FILE:LINE: key: text. A job must name a schedule
 * ({@code every} or {@code cron}) and exactly one kind ({@code http}, {@code command} or
 * {@code class}); the hosts, apps, directories, jars and classes it names must exist. Holds the
 * jobs' defaults. One instance per file read; not thread-safe.
 */
final class JobsSection {
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    static final Duration DEFAULT_JITTER = Duration.ZERO;
    static final Duration DEFAULT_DELAY = Duration.ZERO;
    static final int DEFAULT_HISTORY = 20;
    static final String DEFAULT_METHOD = "GET";
    /** The admin channel's default: the loopback address, a free port (written to STATE/admin.json). */
    static final ListenerSpec DEFAULT_ADMIN = new ListenerSpec("127.0.0.1", 0);

    /**
     * Why the admin channel refuses other addresses: it speaks plain HTTP, so its bearer token (and
     * the whole control of the server) would cross the network readable. TLS on it would lift this.
     */
    static final String ADMIN_LOOPBACK_ONLY = "the admin channel has no TLS yet, so it listens on a loopback address"
            + " only (127.0.0.1, [::1] or localhost), where its token does not cross the network; from another"
            + " host, reach it through an SSH tunnel (ssh -L 9901:127.0.0.1:PORT HOST)";

    private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    private static final Pattern CLASS_NAME = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
    private static final List<String> KINDS = List.of("http", "command", "class");

    private final ConfigFile file;

    JobsSection(ConfigFile file) {
        this.file = file;
    }

    /** {@code admin = "127.0.0.1:0"}, a loopback address and port, or {@code admin = off}. */
    Optional<ListenerSpec> admin(ConfigFile.Section top) {
        ConfigValue v = top.has("admin");
        if (v == null) {
            return Optional.of(DEFAULT_ADMIN);
        }
        ConfigFile.At at = top.at.child("admin");
        Object raw = v.unwrapped();
        if (Boolean.FALSE.equals(raw) || "off".equals(raw)) {
            return Optional.empty();
        }
        if (v.valueType() != ConfigValueType.STRING) {
            file.problem(at, v, "expected a loopback address such as \"127.0.0.1:0\", or off");
            return Optional.empty();
        }
        ListenerSpec spec = PlanBuilder.parseListen((String) raw, p -> file.problem(at, v, "expected [host]:port: " + p));
        if (spec == null) {
            return Optional.empty();
        }
        if (!isLoopback(spec.host())) {
            file.problem(at, v, "'" + raw + "' is not a loopback address: " + ADMIN_LOOPBACK_ONLY);
            return Optional.empty();
        }
        return Optional.of(spec);
    }

    static boolean isLoopback(String host) {
        try {
            return !host.equals(PlanBuilder.ANY_HOST) && java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The jobs, in file order. apps and hosts are the file's (for class and http jobs to name). */
    List<JobSpec> jobs(ConfigFile.Section top, List<HostSpec> hosts, List<AppSpec> apps) {
        List<JobSpec> jobs = new ArrayList<>();
        ConfigValue value = top.has("jobs");
        if (value == null) {
            return jobs;
        }
        ConfigFile.At at = top.at.child("jobs");
        if (!file.isType(value, at, ConfigValueType.OBJECT, "an object of jobs, e.g. jobs { tick { every = 1m, http = \"GET /app/tick\" } }")) {
            return jobs;
        }
        ConfigObject object = (ConfigObject) value;
        List<String> names = new ArrayList<>(object.keySet());
        names.sort(Comparator.comparingInt(n -> object.get(n).origin().lineNumber()));
        for (String name : names) {
            ConfigFile.At jobAt = at.child(name);
            ConfigValue jobValue = object.get(name);
            if (!JOB_NAME.matcher(name).matches()) {
                file.problem(jobAt, jobValue, "a job name may have letters, digits, '.', '-' and '_' only");
                continue;
            }
            if (!file.isType(jobValue, jobAt, ConfigValueType.OBJECT, "an object such as { every = 1m, http = \"GET /app/tick\" }")) {
                continue;
            }
            JobSpec job = job(name, file.section((ConfigObject) jobValue, jobAt, "jobs.*"), jobValue, hosts, apps);
            if (job != null) {
                jobs.add(job);
            }
        }
        return jobs;
    }

    private JobSpec job(String name, ConfigFile.Section job, ConfigValue jobValue, List<HostSpec> hosts, List<AppSpec> apps) {
        int problemsBefore = file.problemCount();
        JobSpec.Schedule schedule = schedule(job, jobValue);
        Duration timeout = job.duration("timeout").orElse(DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            job.problemAt("timeout", "expected a duration above zero");
        }
        Duration jitter = job.duration("jitter").orElse(DEFAULT_JITTER);
        int history = job.integer("history", 1, 10_000).orElse(DEFAULT_HISTORY);
        List<String> kinds = KINDS.stream().filter(k -> job.object.containsKey(k)).toList();
        JobSpec.Action action = null;
        if (kinds.isEmpty()) {
            file.problem(job.at, jobValue, "a job needs one of http = ..., command = [...] or class = ...");
        } else if (kinds.size() > 1) {
            file.problem(job.at, jobValue, "a job does one thing, but this one has " + String.join(" and ", kinds));
            kinds.forEach(job::has);
        } else {
            action = switch (kinds.get(0)) {
                case "http" -> http(job, hosts);
                case "command" -> command(job);
                default -> runClass(job, hosts, apps);
            };
        }
        job.finish();
        if (file.problemCount() > problemsBefore || schedule == null || action == null) {
            return null;
        }
        return new JobSpec(name, schedule, action, timeout, jitter, history);
    }

    private JobSpec.Schedule schedule(ConfigFile.Section job, ConfigValue jobValue) {
        boolean every = job.object.containsKey("every");
        boolean cron = job.object.containsKey("cron");
        if (every && cron) {
            file.problem(job.at.child("cron"), job.object.get("cron"), "a job has every = ... or cron = ..., not both");
            job.has("every");
            job.has("cron");
            job.has("delay");
            return null;
        }
        if (cron) {
            if (job.object.containsKey("delay")) {
                job.problemAt("delay", "delay is for every = ...; a cron job runs at its own times");
                job.has("delay");
            }
            Optional<String> written = job.string("cron");
            if (written.isEmpty()) {
                return null;
            }
            try {
                return new JobSpec.Cron(written.get().trim(), CronSyntax.toQuartz(written.get()));
            } catch (ConfigError e) {
                job.problemAt("cron", e.problems().get(0));
                return null;
            }
        }
        if (!every) {
            file.problem(job.at, jobValue, "a job needs a schedule: every = 4s or cron = \"*/5 * * * *\"");
            job.has("delay");
            return null;
        }
        Optional<Duration> interval = job.duration("every");
        Duration delay = job.duration("delay").orElse(DEFAULT_DELAY);
        if (interval.isPresent() && interval.get().toMillis() < 1) {
            job.problemAt("every", "expected a duration of at least 1ms");
            return null;
        }
        return interval.map(i -> new JobSpec.Every(i, delay)).orElse(null);
    }

    /** {@code http = "GET /path"} (the method optional) or {@code http { method, path, host, headers, body }}. */
    private JobSpec.CallHttp http(ConfigFile.Section job, List<HostSpec> hosts) {
        ConfigValue v = job.has("http");
        ConfigFile.At at = job.at.child("http");
        if (v == null) {
            return null;
        }
        String expected = "\"METHOD /path\" or { method = GET, path = /path }";
        if (v.valueType() == ConfigValueType.STRING) {
            String[] parts = ((String) v.unwrapped()).trim().split("\\s+");
            String method = parts.length == 2 ? parts[0] : DEFAULT_METHOD;
            String path = parts[parts.length - 1];
            if (parts.length > 2 || !METHOD.matcher(method).matches() || !path.startsWith("/")) {
                file.problem(at, v, "expected " + expected + ", got '" + v.unwrapped() + "'");
                return null;
            }
            return new JobSpec.CallHttp(method, path, Optional.empty(), List.of(), "");
        }
        if (!file.isType(v, at, ConfigValueType.OBJECT, expected)) {
            return null;
        }
        ConfigFile.Section s = file.section((ConfigObject) v, at, "jobs.*.http");
        String method = s.string("method").orElse(DEFAULT_METHOD);
        if (!METHOD.matcher(method).matches()) {
            s.problemAt("method", "expected an HTTP method such as GET or POST, got '" + method + "'");
        }
        Optional<String> path = s.string("path");
        if (path.isEmpty() && s.object.get("path") == null) {
            file.problem(at, v, "an http job needs path = /...");
        } else if (path.isPresent() && !path.get().startsWith("/")) {
            s.problemAt("path", "expected a path starting with '/', got '" + path.get() + "'");
        }
        Optional<String> host = s.string("host");
        if (host.isPresent() && hosts.stream().noneMatch(h -> h.id().equals(host.get()))) {
            s.problemAt("host", "no host '" + host.get() + "' in the hosts section"
                    + ConfigFile.suggestion(host.get(), hosts.stream().map(HostSpec::id).toList()));
        }
        List<Header> headers = new ArrayList<>();
        s.object("headers", "an object of header names and values", (name, hv, hat) -> {
            if (file.scalar(hv, hat, "a header value (a string)")) {
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
    private JobSpec.RunCommand command(ConfigFile.Section job) {
        ConfigValue v = job.has("command");
        ConfigFile.At at = job.at.child("command");
        if (v == null) {
            return null;
        }
        if (v.valueType() == ConfigValueType.LIST) {
            List<String> argv = argv((ConfigList) v, at);
            return argv == null ? null : new JobSpec.RunCommand(argv, Optional.empty(), Map.of());
        }
        if (!file.isType(v, at, ConfigValueType.OBJECT, "[program, args...] or { argv = [...], dir = ..., env { } }")) {
            return null;
        }
        ConfigFile.Section s = file.section((ConfigObject) v, at, "jobs.*.command");
        ConfigValue argvValue = s.has("argv");
        List<String> argv = null;
        if (argvValue == null) {
            file.problem(at, v, "a command needs argv = [program, args...]");
        } else if (file.isType(argvValue, at.child("argv"), ConfigValueType.LIST, "a list [program, args...]")) {
            argv = argv((ConfigList) argvValue, at.child("argv"));
        }
        Optional<Path> dir = s.path("dir");
        if (dir.isPresent() && !Files.isDirectory(dir.get())) {
            s.problemAt("dir", "no such directory: " + dir.get());
        }
        Map<String, String> env = new LinkedHashMap<>();
        s.object("env", "an object of environment variable names and values", (name, ev, eat) -> {
            if (file.scalar(ev, eat, "a value (a string)")) {
                env.put(name, String.valueOf(ev.unwrapped()));
            }
        });
        s.finish();
        if (argv == null || (dir.isPresent() && !Files.isDirectory(dir.get()))) {
            return null;
        }
        return new JobSpec.RunCommand(argv, dir, env);
    }

    private List<String> argv(ConfigList list, ConfigFile.At at) {
        if (list.isEmpty()) {
            file.problem(at, list, "expected [program, args...], got an empty list");
            return null;
        }
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!file.scalar(list.get(i), at.index(i), "a string")) {
                return null;
            }
            argv.add(String.valueOf(list.get(i).unwrapped()));
        }
        return argv;
    }

    /** {@code class = a.b.Job} or {@code class { name, app = "/ctx" or "host:/ctx", jars = [...], data { } }}. */
    private JobSpec.RunClass runClass(ConfigFile.Section job, List<HostSpec> hosts, List<AppSpec> apps) {
        ConfigValue v = job.has("class");
        ConfigFile.At at = job.at.child("class");
        if (v == null) {
            return null;
        }
        if (v.valueType() == ConfigValueType.STRING) {
            String name = ((String) v.unwrapped()).trim();
            if (!checkClassName(name, at, v)) {
                return null;
            }
            if (!ClassFiles.inContainer(name)) {
                file.problem(at, v, "class " + name + " not found on the container's class path (name an app = ... or jars = [...])");
                return null;
            }
            return new JobSpec.RunClass(name, Optional.empty(), Optional.empty(), List.of(), Map.of());
        }
        if (!file.isType(v, at, ConfigValueType.OBJECT, "a class name or { name = ..., app = /ctx }")) {
            return null;
        }
        ConfigFile.Section s = file.section((ConfigObject) v, at, "jobs.*.class");
        Optional<String> name = s.string("name");
        if (name.isEmpty() && s.object.get("name") == null) {
            file.problem(at, v, "a class job needs name = the class (an org.quartz.Job or a Runnable)");
        }
        boolean nameOk = name.isPresent() && checkClassName(name.get(), at.child("name"), s.object.get("name"));
        Optional<String> appRef = s.string("app");
        AppSpec app = appRef.map(ref -> app(ref, s, hosts, apps)).orElse(null);
        List<Path> jars = new ArrayList<>();
        boolean[] badJar = {false};
        s.list("jars", "a list of jar files", (jv, jat) -> {
            Path jar = file.path(jv, jat);
            if (jar == null) {
                badJar[0] = true;
            } else if (!Files.isRegularFile(jar)) {
                file.problem(jat, jv, "no such file: " + jar);
                badJar[0] = true;
            } else if (!PlanBuilder.isZip(jar)) {
                file.problem(jat, jv, "not a jar (zip) file: " + jar);
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
            if (file.scalar(dv, dat, "a value (a string)")) {
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
    private AppSpec app(String ref, ConfigFile.Section s, List<HostSpec> hosts, List<AppSpec> apps) {
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
                    : ConfigFile.suggestion(ref, known).isEmpty() ? " (apps: " + String.join(", ", known) + ")"
                    : ConfigFile.suggestion(ref, known)));
        } else {
            s.problemAt("app", "'" + ref + "' is served on several hosts: write HOST:" + path);
        }
        return null;
    }

    private boolean checkClassName(String name, ConfigFile.At at, ConfigValue v) {
        if (!CLASS_NAME.matcher(name.trim()).matches()) {
            file.problem(at, v, "expected a class name such as com.example.NightlyReport, got '" + name + "'");
            return false;
        }
        return true;
    }
}
