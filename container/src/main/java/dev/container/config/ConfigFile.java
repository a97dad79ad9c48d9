package dev.container.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a config file (HOCON, through Typesafe Config) into a {@link Plan}. Checks the whole file
 * and reports every problem at once, in file order, each as {@code FILE:LINE: key: what was
 * expected}: syntax errors, unknown keys (with the closest known key as a suggestion), wrong
 * types, durations without a unit, missing files, paths claimed twice on one host, host names
 * claimed by two hosts. {@code ${NAME}} and {@code ${?NAME}} read the environment.
 *
 * <p>Relative paths in the file are relative to the file's directory, so a file means the same
 * from any working directory. The defaults of settings the command line shares live in
 * {@link PlanBuilder}; the file-only ones here. Stateless; safe from any thread.
 */
public final class ConfigFile {
    /**
     * Every key the file may have, by section: "" is the top level, "apps[]" each element of the
     * apps list, "hosts.*" each host. Values of hosts, hosts.*.headers and apps[].context-params
     * are the user's own names. conf/container.conf documents each of these keys (a test checks).
     */
    static final Map<String, List<String>> KEYS = keys();

    static final String DEFAULT_ACCESS_LOG_FILE = "logs/access.log";
    static final String DEFAULT_ACCESS_LOG_FORMAT = "combined";
    static final String DEFAULT_ROTATE = "daily";
    /** The smallest access log max-size: below it nearly every line would be a file of its own. */
    static final long MIN_ACCESS_LOG_SIZE = 1024;
    static final Duration DEFAULT_HSTS_MAX_AGE = Duration.ofDays(365);

    private static final Pattern HOST_ID = Pattern.compile("[A-Za-z0-9_-]+");
    /** RFC 9110 §5.6.2 token characters. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final List<String> ROTATIONS = List.of("daily", "never");
    private static final List<String> HOST_TLS = List.of("files", "auto", "local");
    private static final List<String> CHALLENGES = List.of("http-01", "tls-alpn-01", "auto");

    private record Problem(Origin origin, String text) {
    }

    /** Where a value sits: its path through the file (keys and list indexes) and how to print it. */
    record At(List<Object> segments, String key) {
        At child(String name) {
            List<Object> s = new ArrayList<>(segments);
            s.add(name);
            return new At(s, key.isEmpty() ? quote(name) : key + "." + quote(name));
        }

        At index(int i) {
            List<Object> s = new ArrayList<>(segments);
            s.add(i);
            return new At(s, key + "[" + i + "]");
        }

        private static String quote(String name) {
            return name.matches("[A-Za-z0-9_-]+") ? name : "\"" + name + "\"";
        }
    }

    private final String fileName;
    private final Path baseDir;
    private final List<Problem> problems = new ArrayList<>();
    private ConfigObject unresolved;
    private Optional<Users> users = Optional.empty();
    /** Whether the file has an HTTPS listener (what a host's https-redirect needs). */
    private boolean tlsListeners;
    /** Whether the file has a plain-HTTP listener (what http-01 needs). */
    private boolean plainListeners;
    /** The challenges hosts with tls = auto chose for themselves, by host id. */
    private final Map<String, AcmeSpec.Challenge> hostChallenges = new HashMap<>();
    /** The host ids the file declares, valid or not, for apps and mounts to refer to. */
    private final Set<String> declaredHosts = new TreeSet<>();

    private ConfigFile(Path file) {
        this.fileName = file.toString();
        Path parent = file.toAbsolutePath().normalize().getParent();
        this.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /** The plan the file describes, or a {@link ConfigError} with every problem in it. */
    public static Plan load(Path file) {
        return new ConfigFile(file).read(file);
    }

    /** A file's plan and the users file it names, for flags to add apps to ({@link PlanBuilder}). */
    record Loaded(Plan plan, Optional<Users> users) {
    }

    /** Whether the file sets listeners itself (so --domain leaves them alone). False when it does not parse. */
    static boolean hasListeners(Path file) {
        try {
            return ConfigFactory.parseFile(file.toFile()).hasPathOrNull("listeners");
        } catch (ConfigException e) {
            return false;
        }
    }

    static Loaded loadWithUsers(Path file) {
        ConfigFile reader = new ConfigFile(file);
        Plan plan = reader.read(file);
        return new Loaded(plan, reader.users);
    }

    private Plan read(Path file) {
        if (!Files.exists(file)) {
            throw new ConfigError(fileName + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigError(fileName + ": not a file");
        }
        ConfigObject root;
        try {
            Config parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            unresolved = parsed.root();
            // Unresolved ${NAME}s stay in the tree and are reported where they are, with the rest.
            root = parsed.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true)).root();
        } catch (ConfigException e) {
            throw new ConfigError(origin(e.origin()) + ": " + withoutOrigin(e));
        }
        Plan plan = plan(root, new At(List.of(), ""));
        if (!problems.isEmpty()) {
            throw new ConfigError(problems.stream()
                    .distinct()
                    .sorted(Comparator.comparing((Problem p) -> p.origin().file()).thenComparingInt(p -> p.origin().line()))
                    .map(p -> p.origin() + ": " + p.text())
                    .toList());
        }
        return plan;
    }

    private Plan plan(ConfigObject root, At at) {
        Section top = new Section(root, at, "");
        List<ListenerSpec> listeners = listeners(top);
        Path stateDir = top.path("state-dir").orElse(baseDir.resolve(PlanBuilder.DEFAULT_STATE_DIR));
        Duration shutdownTimeout = top.duration("shutdown-timeout").orElse(PlanBuilder.DEFAULT_SHUTDOWN_TIMEOUT);
        tlsListeners = listeners.stream().anyMatch(ListenerSpec::tls);
        plainListeners = listeners.stream().anyMatch(l -> !l.tls());
        List<HostSpec> hosts = hosts(top);
        Map<String, String> claims = new HashMap<>();
        List<AppSpec> apps = apps(top, hosts, claims);
        List<StaticSpec> statics = statics(top, hosts, claims);
        Limits limits = limits(top);
        LoggingSpec logging = logging(top);
        users = users(top);
        LoginsSpec logins = logins(top);
        List<CertSpec> certs = certificates(top);
        TlsProvider tlsProvider = top.choice("tls-provider", TlsProvider.NAMES).flatMap(TlsProvider::named)
                .orElse(TlsProvider.AUTO);
        TlsProfile tlsProfile = top.choice("tls-profile", TlsProfile.NAMES).flatMap(TlsProfile::named)
                .orElse(TlsProfile.INTERMEDIATE);
        JobsSection jobsSection = new JobsSection(this);
        List<JobSpec> jobs = jobsSection.jobs(top, hosts, apps);
        Optional<ListenerSpec> admin = jobsSection.admin(top);
        AcmeSpec acme = acme(top, hosts, listeners);
        boolean autoTls = hosts.stream().anyMatch(h -> h.tls() != HostTls.FILES);
        ConfigValue certificatesGiven = top.object.get("certificates");
        boolean noCertificates = certificatesGiven == null
                || certificatesGiven instanceof ConfigList list && list.isEmpty();
        if (noCertificates && !autoTls && listeners.stream().anyMatch(ListenerSpec::tls)) {
            problem(top.at.child("listeners"), top.object.get("listeners"),
                    "a listener with tls = true needs certificates = [{ cert = FILE, key = FILE }]");
        }
        top.finish();
        if (!problems.isEmpty()) {
            return null;
        }
        List<AppSpec> withUsers = apps.stream().map(app -> app.withUsers(users)).toList();
        return new Plan(listeners, withUsers, statics, stateDir, shutdownTimeout, hosts, limits, logging, false, certs,
                tlsProvider, tlsProfile, jobs, admin, acme, logins);
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

    /**
     * The certificates of the HTTPS listeners: PEM pairs, or PKCS#12 files alone, that must exist
     * (their contents are checked at start, and by {@code container validate}).
     */
    private List<CertSpec> certificates(Section top) {
        List<CertSpec> result = new ArrayList<>();
        String shape = "{ cert = FILE, key = FILE } or { cert = FILE.p12, password = \"...\" }";
        top.list("certificates", "a list of " + shape, (value, at) -> {
            if (value.valueType() != ConfigValueType.OBJECT) {
                problem(at, value, "expected " + shape + ", got " + describe(value));
                return;
            }
            ConfigObject object = (ConfigObject) value;
            Section entry = new Section(object, at, "certificates[]");
            Optional<Path> cert = entry.path("cert");
            Optional<Path> key = entry.path("key");
            Optional<String> password = entry.string("password");
            entry.finish();
            if (cert.isEmpty()) {
                problem(at, value, "a certificate needs cert = FILE (PEM, or PKCS#12 with its password)");
                return;
            }
            if (!Files.isRegularFile(cert.get())) {
                problem(at.child("cert"), object.get("cert"), "no such file: " + cert.get());
                return;
            }
            boolean pkcs12 = CertSpec.looksLikePkcs12(cert.get());
            if (key.isEmpty()) {
                if (pkcs12) {
                    result.add(CertSpec.pkcs12(cert.get(), password));
                } else {
                    problem(at, value, "a PEM certificate needs key = FILE (only a PKCS#12 file holds its own key)");
                }
            } else if (pkcs12) {
                problem(at.child("key"), object.get("key"), cert.get().getFileName()
                        + " is a PKCS#12 file, which holds its own key: leave key out");
            } else if (!Files.isRegularFile(key.get())) {
                problem(at.child("key"), object.get("key"), "no such file: " + key.get());
            } else {
                result.add(new CertSpec(cert.get(), key.get(), password));
            }
        });
        return result;
    }

    /** The users file, read and checked now: its bad lines are reported beside the file's own problems. */
    private Optional<Users> users(Section top) {
        Optional<Path> file = top.path("users");
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Users.read(file.get()));
        } catch (ConfigError e) {
            e.problems().forEach(p -> top.problemAt("users", p));
            return Optional.empty();
        }
    }

    /** The logins section: how many failed logins lock a user out, and for how long. */
    private LoginsSpec logins(Section top) {
        LoginsSpec d = LoginsSpec.DEFAULT;
        Optional<Section> found = top.section("logins", "logins");
        if (found.isEmpty()) {
            return d;
        }
        Section s = found.get();
        int failures = s.integer("lockout-failures", 0, 1_000_000).orElse(d.lockoutFailures());
        Duration time = s.duration("lockout-time").orElse(d.lockoutTime());
        s.finish();
        if (failures > 0 && time.isZero()) {
            s.problemAt("lockout-time", "expected a duration above zero, such as 5m (lockout-failures = 0 turns the"
                    + " lockout off)");
            return d;
        }
        return new LoginsSpec(failures, time);
    }

    private List<ListenerSpec> listeners(Section top) {
        List<ListenerSpec> result = new ArrayList<>();
        top.list("listeners", "a list of listeners such as [\":8080\", \"127.0.0.1:9000\"]", (value, at) -> {
            ListenerSpec spec;
            if (value.valueType() == ConfigValueType.STRING) {
                spec = PlanBuilder.parseListen((String) value.unwrapped(),
                        p -> problem(at, value, "expected [host]:port: " + p));
            } else if (value.valueType() == ConfigValueType.OBJECT) {
                Section listener = new Section((ConfigObject) value, at, "listeners[]");
                String host = listener.string("host").orElse("");
                Optional<Integer> port = listener.integer("port", 0, 65_535);
                if (port.isEmpty() && listener.has("port") == null) {
                    problem(at, value, "a listener needs a port");
                }
                boolean tls = listener.bool("tls").orElse(false);
                boolean h2c = listener.bool("h2c").orElse(false);
                if (tls && h2c) {
                    problem(at.child("h2c"), ((ConfigObject) value).get("h2c"),
                            "h2c is for plain listeners: a tls = true listener speaks h2 by ALPN");
                    h2c = false;
                }
                listener.finish();
                spec = port.isEmpty() ? null : PlanBuilder.listener(
                        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host,
                        port.get(), p -> problem(at, value, p));
                if (spec != null && tls) {
                    spec = spec.withTls();
                } else if (spec != null && h2c) {
                    spec = spec.withH2c();
                }
            } else {
                problem(at, value, "expected \"[host]:port\" or { host = ..., port = ... }, got " + describe(value));
                return;
            }
            if (spec != null) {
                ListenerSpec s = spec;
                if (spec.port() != 0 && result.stream().anyMatch(l -> l.host().equals(s.host()) && l.port() == s.port())) {
                    problem(at, value, "listener " + spec.authority(spec.port()) + " given twice");
                } else {
                    result.add(spec);
                }
            }
        }).ifPresent(list -> {
            if (list.isEmpty()) {
                problem(top.at.child("listeners"), list, "expected at least one listener");
            }
        });
        if (top.object.get("listeners") == null) {
            result.add(new ListenerSpec(PlanBuilder.ANY_HOST, PlanBuilder.DEFAULT_PORT));
        }
        return result;
    }

    private List<HostSpec> hosts(Section top) {
        ConfigValue value = top.has("hosts");
        if (value == null) {
            return List.of(HostSpec.DEFAULT);
        }
        At at = top.at.child("hosts");
        if (!isType(value, at, ConfigValueType.OBJECT, "an object of hosts, e.g. hosts { shop { names = [shop.example.com] } }")) {
            return List.of(HostSpec.DEFAULT);
        }
        ConfigObject object = (ConfigObject) value;
        if (object.isEmpty()) {
            problem(at, value, "expected at least one host, or no hosts section");
            return List.of(HostSpec.DEFAULT);
        }
        List<String> ids = new ArrayList<>(object.keySet());
        ids.sort(Comparator.comparingInt(id -> line(object.get(id))));
        declaredHosts.addAll(ids);
        List<HostSpec> hosts = new ArrayList<>();
        Map<String, String> nameOwners = new HashMap<>();
        List<String> defaults = new ArrayList<>();
        for (String id : ids) {
            At hostAt = at.child(id);
            ConfigValue hostValue = object.get(id);
            if (!HOST_ID.matcher(id).matches()) {
                problem(hostAt, hostValue, "a host id may have letters, digits, '-' and '_' only");
                continue;
            }
            if (!isType(hostValue, hostAt, ConfigValueType.OBJECT, "an object such as { names = [example.com] }")) {
                continue;
            }
            Section host = new Section((ConfigObject) hostValue, hostAt, "hosts.*");
            boolean isDefault = host.bool("default").orElse(ids.size() == 1);
            List<String> names = new ArrayList<>();
            host.list("names", "a list of host names such as [example.com, \"*.example.com\"]", (v, nameAt) -> {
                if (!isType(v, nameAt, ConfigValueType.STRING, "a host name such as example.com or \"*.example.com\"")) {
                    return;
                }
                String name = HostSpec.normalize((String) v.unwrapped());
                String problem = HostSpec.problem(name);
                if (problem != null) {
                    problem(nameAt, v, "host name '" + v.unwrapped() + "' " + problem);
                    return;
                }
                String owner = nameOwners.putIfAbsent(name, "host " + id + " (" + origin(nameAt, v) + ")");
                if (owner != null) {
                    problem(nameAt, v, "host name '" + name + "' is already claimed by " + owner);
                    return;
                }
                names.add(name);
            });
            List<Header> headers = new ArrayList<>();
            host.object("headers", "an object of header names and values", (headerName, v, headerAt) -> {
                if (!HEADER_NAME.matcher(headerName).matches()) {
                    problem(headerAt, v, "'" + headerName + "' is not a header name");
                } else if (headerName.equalsIgnoreCase("Strict-Transport-Security")) {
                    problem(headerAt, v, "set HSTS with the host's hsts { max-age = ... } section");
                } else if (scalar(v, headerAt, "a header value (a string)")) {
                    headers.add(new Header(headerName, String.valueOf(v.unwrapped())));
                }
            });
            Optional<Hsts> hsts = host.section("hsts", "hosts.*.hsts").map(s -> {
                Hsts h = new Hsts(s.duration("max-age").orElse(DEFAULT_HSTS_MAX_AGE),
                        s.bool("include-subdomains").orElse(false), s.bool("preload").orElse(false));
                s.finish();
                return h;
            });
            boolean httpsRedirect = host.bool("https-redirect").orElse(false);
            if (httpsRedirect && !tlsListeners) {
                host.problemAt("https-redirect", "needs a listener with tls = true to redirect to");
            }
            HostTls tls = hostTls(host, id, names);
            host.finish();
            if (isDefault) {
                defaults.add(id + " (" + origin(hostAt, hostValue) + ")");
            } else if (names.isEmpty() && host.has("names") == null) {
                problem(hostAt, hostValue, "a host other than the default needs names = [...]");
                continue;
            }
            if (!isDefault && names.isEmpty()) {
                continue; // its names were wrong, and said so
            }
            hosts.add(new HostSpec(id, names, isDefault, headers, hsts, httpsRedirect, tls));
        }
        if (defaults.isEmpty()) {
            problem(at, value, "one host must say default = true: it answers requests for names no host claims");
        } else if (defaults.size() > 1) {
            problem(at, value, "only one host may say default = true, but " + String.join(" and ", defaults) + " do");
        }
        if (hosts.stream().filter(HostSpec::isDefault).count() != 1) {
            return List.of(HostSpec.DEFAULT);
        }
        return hosts;
    }

    private List<AppSpec> apps(Section top, List<HostSpec> hosts, Map<String, String> claims) {
        List<AppSpec> apps = new ArrayList<>();
        top.list("apps", "a list of apps such as [shop.war, { war = api.war, path = /api }]", (value, at) -> {
            Section app;
            ConfigValue war;
            if (value.valueType() == ConfigValueType.STRING) {
                app = null;
                war = value;
            } else if (isType(value, at, ConfigValueType.OBJECT, "a WAR path or { war = ..., path = ... }")) {
                app = new Section((ConfigObject) value, at, "apps[]");
                war = app.has("war");
                if (war == null) {
                    problem(at, value, "an app needs war = PATH (a WAR file or an exploded directory)");
                }
            } else {
                return;
            }
            At warAt = app == null ? at : at.child("war");
            Path source = war == null ? null : path(war, warAt);
            String contextPath = null;
            if (app != null && app.has("path") != null) {
                contextPath = app.contextPath("path");
            } else if (source != null) {
                String name = source.getFileName() == null ? "" : source.getFileName().toString();
                contextPath = ContextPaths.fromFileName(name);
            }
            List<String> hostIds = app == null ? List.of() : hostIds(app);
            Map<String, String> params = new LinkedHashMap<>();
            Map<String, Object> envEntries = new LinkedHashMap<>();
            AppLimits limits = AppLimits.DEFAULT;
            if (app != null) {
                limits = new AppLimits(
                        app.integer("max-requests", 1, Integer.MAX_VALUE).orElse(AppLimits.DEFAULT.maxRequests()),
                        app.integer("max-queued", 0, Integer.MAX_VALUE).orElse(AppLimits.DEFAULT.maxQueued()));
                app.object("context-params", "an object of parameter names and values", (name, v, paramAt) -> {
                    if (scalar(v, paramAt, "a parameter value (a string)")) {
                        params.put(name, String.valueOf(v.unwrapped()));
                    }
                });
                app.object("env-entries", "an object of java:comp/env names and values", (name, v, entryAt) -> {
                    if (scalar(v, entryAt, "a string, number or boolean")) {
                        envEntries.put(name, envValue(v.unwrapped()));
                    }
                });
                app.finish();
            }
            if (source == null || contextPath == null) {
                return;
            }
            boolean exploded = Files.isDirectory(source);
            if (!exploded && !Files.exists(source)) {
                problem(warAt, war, "no such file or directory: " + source);
                return;
            }
            if (!exploded && !PlanBuilder.isZip(source)) {
                problem(warAt, war, "not a WAR (zip) file: " + source);
                return;
            }
            if (claim(claims, hosts, hostIds, contextPath, at, value, "app")) {
                apps.add(new AppSpec(source, contextPath, exploded, hostIds, params, envEntries, Optional.empty(), limits));
            }
        });
        return apps;
    }

    private List<StaticSpec> statics(Section top, List<HostSpec> hosts, Map<String, String> claims) {
        List<StaticSpec> statics = new ArrayList<>();
        top.list("static", "a list of static mounts such as [site, { dir = docs, prefix = /docs }]", (value, at) -> {
            Section mount;
            ConfigValue dir;
            if (value.valueType() == ConfigValueType.STRING) {
                mount = null;
                dir = value;
            } else if (isType(value, at, ConfigValueType.OBJECT, "a directory or { dir = ..., prefix = ... }")) {
                mount = new Section((ConfigObject) value, at, "static[]");
                dir = mount.has("dir");
                if (dir == null) {
                    problem(at, value, "a static mount needs dir = PATH");
                }
            } else {
                return;
            }
            At dirAt = mount == null ? at : at.child("dir");
            Path root = dir == null ? null : path(dir, dirAt);
            String prefix = mount == null || mount.has("prefix") == null ? "/" : mount.contextPath("prefix");
            List<String> hostIds = mount == null ? List.of() : hostIds(mount);
            boolean listing = mount != null && mount.bool("listing").orElse(false);
            boolean compression = mount == null || mount.bool("compression").orElse(true);
            boolean create = mount != null && mount.bool("create").orElse(false);
            Optional<Duration> maxAge = mount == null ? Optional.empty() : mount.duration("max-age");
            if (mount != null) {
                mount.finish();
            }
            if (root == null || prefix == null) {
                return;
            }
            if (!Files.exists(root) && create) {
                // made at start (what a job writes into, under the state directory, say)
                if (claim(claims, hosts, hostIds, prefix, at, value, "static mount")) {
                    statics.add(new StaticSpec(root, prefix, listing, hostIds, maxAge, compression));
                }
            } else if (!Files.exists(root)) {
                problem(dirAt, dir, "no such directory: " + root + (mount == null ? "" : " (create = true makes it at start)"));
            } else if (!Files.isDirectory(root)) {
                problem(dirAt, dir, "not a directory: " + root);
            } else if (claim(claims, hosts, hostIds, prefix, at, value, "static mount")) {
                statics.add(new StaticSpec(root, prefix, listing, hostIds, maxAge, compression));
            }
        });
        return statics;
    }

    /** Claims path on each host the thing is served on; false (and a problem) when one has it already. */
    private boolean claim(Map<String, String> claims, List<HostSpec> hosts, List<String> hostIds, String path,
                          At at, ConfigValue value, String what) {
        List<String> on = hostIds.isEmpty()
                ? List.of(hosts.stream().filter(HostSpec::isDefault).findFirst().orElse(HostSpec.DEFAULT).id())
                : hostIds;
        boolean ok = true;
        for (String host : on) {
            String previous = claims.putIfAbsent(host + " " + path, what + " " + at.key() + " (" + origin(at, value) + ")");
            if (previous != null) {
                String where = hosts.size() == 1 ? "" : " on host " + host;
                problem(at, value, "path " + path + where + " is already served by " + previous);
                ok = false;
            }
        }
        return ok;
    }

    private List<String> hostIds(Section section) {
        List<String> ids = new ArrayList<>();
        section.list("hosts", "a list of host ids from the hosts section", (v, at) -> {
            if (!isType(v, at, ConfigValueType.STRING, "a host id from the hosts section")) {
                return;
            }
            String id = (String) v.unwrapped();
            if (!declaredHosts.contains(id)) {
                problem(at, v, declaredHosts.isEmpty() ? "no host '" + id + "': the file has no hosts section"
                        : "no host '" + id + "' in the hosts section" + suggestion(id, declaredHosts));
            } else if (ids.contains(id)) {
                problem(at, v, "host '" + id + "' listed twice");
            } else {
                ids.add(id);
            }
        });
        return ids;
    }

    private Limits limits(Section top) {
        Limits d = PlanBuilder.DEFAULT_LIMITS;
        Optional<Section> found = top.section("limits", "limits");
        if (found.isEmpty()) {
            return d;
        }
        Section s = found.get();
        long maxBody = d.maxRequestBody();
        ConfigValue body = s.has("max-request-body");
        if (body != null && body.valueType() == ConfigValueType.STRING && "unlimited".equals(body.unwrapped())) {
            s.read.add("max-request-body");
        } else {
            maxBody = s.size("max-request-body", Long.MAX_VALUE).orElse(d.maxRequestBody());
        }
        long headerSize = s.size("max-header-size", Integer.MAX_VALUE).orElse(d.maxHeaderSize());
        long requestLine = s.size("max-request-line", Integer.MAX_VALUE).orElse(Math.min(d.maxRequestLine(), headerSize));
        if (requestLine > headerSize) {
            problem(s.at.child("max-request-line"), s.object.get("max-request-line"),
                    "must not be more than max-header-size (" + headerSize + " bytes), got " + requestLine);
            requestLine = headerSize;
        }
        Limits limits = new Limits(
                maxBody,
                headerSize,
                s.duration("idle-timeout").orElse(d.idleTimeout()),
                s.duration("request-timeout").orElse(d.requestTimeout()),
                s.integer("max-connections", 1, Integer.MAX_VALUE).orElse(d.maxConnections()),
                s.integer("http2-max-concurrent-streams", 1, Integer.MAX_VALUE).orElse(d.http2MaxConcurrentStreams()),
                requestLine,
                s.integer("max-headers", 1, Integer.MAX_VALUE).orElse(d.maxHeaders()),
                s.duration("body-timeout").orElse(d.bodyTimeout()),
                s.size("body-min-rate", 0, Long.MAX_VALUE).orElse(d.bodyMinRate()),
                s.duration("write-timeout").orElse(d.writeTimeout()));
        s.finish();
        return limits;
    }

    private LoggingSpec logging(Section top) {
        LoggingSpec d = PlanBuilder.DEFAULT_LOGGING;
        Optional<Section> found = top.section("logging", "logging");
        if (found.isEmpty()) {
            return d;
        }
        Section s = found.get();
        String level = s.choice("level", LoggingSpec.LEVELS).orElse(d.level());
        LogFormat format = s.choice("format", LogFormat.NAMES).flatMap(LogFormat::named).orElse(d.format());
        Optional<AccessLogSpec> accessLog = s.section("access-log", "logging.access-log").flatMap(this::accessLog);
        s.finish();
        return new LoggingSpec(level, format, accessLog);
    }

    private Optional<AccessLogSpec> accessLog(Section a) {
        boolean enabled = a.bool("enabled").orElse(false);
        Path file = a.path("file").orElse(baseDir.resolve(DEFAULT_ACCESS_LOG_FILE));
        String format = a.string("format").orElse(DEFAULT_ACCESS_LOG_FORMAT);
        if (format.isBlank()) {
            a.problemAt("format", "expected common, combined, json or a pattern such as \"%h %r %s %b\"");
        }
        String rotate = a.choice("rotate", ROTATIONS).orElse(DEFAULT_ROTATE);
        OptionalLong maxSize = a.size("max-size", 1, Long.MAX_VALUE).map(OptionalLong::of).orElse(OptionalLong.empty());
        if (maxSize.isPresent() && maxSize.getAsLong() < MIN_ACCESS_LOG_SIZE) {
            a.problemAt("max-size", "expected a size of at least 1KiB, got " + maxSize.getAsLong() + " bytes");
            maxSize = OptionalLong.empty();
        }
        OptionalInt maxFiles = a.integer("max-files", 1, Integer.MAX_VALUE).map(OptionalInt::of).orElse(OptionalInt.empty());
        if (maxFiles.isPresent() && a.has("max-size") == null && rotate.equals("never")) {
            a.problemAt("max-files", "keeps the newest rotated files, but with rotate = never and no max-size the log"
                    + " is never rotated: set max-size, or rotate = daily");
        }
        a.finish();
        return enabled && !format.isBlank()
                ? Optional.of(new AccessLogSpec(file, format, rotate.equals("daily"), maxSize, maxFiles))
                : Optional.empty();
    }

    // ---- automatic HTTPS (ACME) ------------------------------------------------------------

    /** A host's {@code tls}: where its certificate comes from; auto needs names a CA can validate. */
    private HostTls hostTls(Section host, String id, List<String> names) {
        HostTls tls = host.choice("tls", HOST_TLS).map(t -> HostTls.valueOf(t.toUpperCase(Locale.ROOT)))
                .orElse(HostTls.FILES);
        if (tls == HostTls.AUTO) {
            if (names.isEmpty()) {
                host.problemAt("tls", "tls = auto needs names = [...]: the names to get a certificate for");
            }
            for (String name : names) {
                if (name.startsWith("*.")) {
                    host.problemAt("tls", "tls = auto cannot get a certificate for '" + name
                            + "': wildcards need the dns-01 challenge, which needs your DNS provider;"
                            + " list the names, or use tls = files with a wildcard certificate");
                } else if (name.contains(":") || name.matches("[0-9.]+")) {
                    host.problemAt("tls", "tls = auto cannot get a certificate for the IP address '" + name
                            + "'; public CAs issue for DNS names");
                }
            }
            if (!tlsListeners) {
                host.problemAt("tls", "tls = auto needs a listener with tls = true to serve the certificate on");
            }
        }
        if (tls == HostTls.LOCAL && !tlsListeners) {
            host.problemAt("tls", "tls = local needs a listener with tls = true to serve the certificate on");
        }
        Optional<AcmeSpec.Challenge> challenge = host.choice("challenge", CHALLENGES)
                .map(c -> AcmeSpec.Challenge.valueOf(c.toUpperCase(Locale.ROOT).replace('-', '_')));
        if (challenge.isPresent() && challenge.get() != AcmeSpec.Challenge.AUTO && tls != HostTls.AUTO) {
            host.problemAt("challenge", "challenge is for hosts with tls = auto: this host's certificate does not come"
                    + " from an ACME CA");
        } else if (challenge.isPresent() && tls == HostTls.AUTO) {
            if (challenge.get() == AcmeSpec.Challenge.HTTP_01 && !plainListeners) {
                host.problemAt("challenge", "http-01 needs a plain HTTP listener (the CA connects to port 80)");
            }
            hostChallenges.put(id, challenge.get());
        }
        return tls;
    }

    /**
     * The acme section. Read whether or not a host uses it, so its mistakes show at once; its
     * requirements (terms agreed, EAB for ZeroSSL, a listener for the challenge) only matter
     * when a host has tls = auto.
     */
    private AcmeSpec acme(Section top, List<HostSpec> hosts, List<ListenerSpec> listeners) {
        AcmeSpec d = AcmeSpec.DEFAULT;
        boolean used = hosts.stream().anyMatch(h -> h.tls() == HostTls.AUTO);
        Optional<Section> found = top.section("acme", "acme");
        if (found.isEmpty()) {
            if (used) {
                problem(top.at.child("hosts"), top.object.get("hosts"), "a host with tls = auto needs an acme section"
                        + " with at least agree-terms = true (the CA's terms of service; Let's Encrypt by default)");
            }
            return d;
        }
        Section s = found.get();
        URI directory = d.directory();
        ConfigValue dirValue = s.has("directory");
        if (dirValue != null && scalar(dirValue, s.at.child("directory"), "a preset or a URL")) {
            String text = String.valueOf(dirValue.unwrapped()).trim();
            if (AcmeSpec.PRESETS.containsKey(text.toLowerCase(Locale.ROOT))) {
                directory = AcmeSpec.PRESETS.get(text.toLowerCase(Locale.ROOT));
            } else if (text.startsWith("https://") || text.startsWith("http://")) {
                try {
                    directory = new URI(text);
                    if (directory.getHost() == null) {
                        throw new java.net.URISyntaxException(text, "no host");
                    }
                } catch (java.net.URISyntaxException e) {
                    s.problemAt("directory", "not a URL: '" + text + "'");
                }
            } else {
                s.problemAt("directory", "expected letsencrypt, letsencrypt-staging, zerossl or the https:// URL of an"
                        + " ACME directory, got '" + text + "'" + suggestion(text, AcmeSpec.PRESETS.keySet()));
            }
        }
        Optional<String> email = s.string("email").filter(e -> !e.isBlank());
        if (email.isPresent() && !email.get().matches("[^@\\s]+@[^@\\s]+")) {
            s.problemAt("email", "expected an email address such as me@example.com, got '" + email.get() + "'");
        }
        boolean agreeTerms = s.bool("agree-terms").orElse(false);
        Optional<AcmeSpec.Eab> eab = s.section("eab", "acme.eab").flatMap(e -> {
            Optional<String> kid = e.string("kid");
            Optional<String> hmac = e.string("hmac-key");
            e.finish();
            if (kid.isEmpty() || hmac.isEmpty()) {
                problem(e.at, e.object, "eab needs both kid and hmac-key (from the CA's dashboard)");
                return Optional.empty();
            }
            return Optional.of(new AcmeSpec.Eab(kid.get(), hmac.get()));
        });
        Optional<Path> trust = s.path("trust");
        if (trust.isPresent() && !Files.isRegularFile(trust.get())) {
            s.problemAt("trust", "no such file: " + trust.get());
        }
        AcmeSpec.Challenge challenge = s.choice("challenge", CHALLENGES)
                .map(c -> AcmeSpec.Challenge.valueOf(c.toUpperCase(Locale.ROOT).replace('-', '_')))
                .orElse(d.challenge());
        Optional<Duration> renewBefore = s.duration("renew-before");
        Duration checkInterval = s.duration("check-interval").orElse(d.checkInterval());
        if (checkInterval.isZero()) {
            s.problemAt("check-interval", "expected a duration above zero, such as 10m");
            checkInterval = d.checkInterval();
        }
        s.finish();
        if (used) {
            if (!agreeTerms) {
                problem(s.at, s.object, "agree-terms = true is needed for hosts with tls = auto: it says you agree to"
                        + " the terms of service of the CA at " + directory);
            }
            if (directory.equals(AcmeSpec.PRESETS.get("zerossl")) && eab.isEmpty()) {
                problem(s.at, s.object, "ZeroSSL needs eab { kid = ..., hmac-key = ... } from its dashboard"
                        + " (Developer -> EAB credentials)");
            }
            boolean plain = listeners.stream().anyMatch(l -> !l.tls());
            if (challenge == AcmeSpec.Challenge.HTTP_01 && !plain) {
                s.problemAt("challenge", "http-01 needs a plain HTTP listener (the CA connects to port 80)");
            }
        }
        return new AcmeSpec(directory, email, agreeTerms, eab, trust, challenge, renewBefore, checkInterval,
                hostChallenges);
    }

    // ---- reading values -------------------------------------------------------------------

    /** One object of the file: hands out its values by key and remembers which were read. */
    final class Section {
        final ConfigObject object;
        final At at;
        final String schema;
        final Set<String> read = new HashSet<>();

        Section(ConfigObject object, At at, String schema) {
            this.object = object;
            this.at = at;
            this.schema = schema;
        }

        /** The value at key, marked as read, or null when absent. */
        ConfigValue has(String key) {
            read.add(key);
            ConfigValue value = object.get(key);
            if (value != null && !resolved(value, at.child(key))) {
                return null;
            }
            return value;
        }

        /** Reports every key that no reader asked for, with the closest known key or else the known ones. */
        void finish() {
            List<String> known = KEYS.get(schema);
            List<String> unknown = new ArrayList<>(object.keySet());
            unknown.removeAll(read);
            for (String key : unknown) {
                String hint = suggestion(key, known);
                if (hint.isEmpty()) {
                    hint = " (" + (at.key().isEmpty() ? "the top level" : at.key()) + " may have "
                            + String.join(", ", known) + ")";
                }
                problem(at.child(key), object.get(key), "unknown key" + hint);
            }
        }

        Optional<String> string(String key) {
            ConfigValue v = has(key);
            if (v == null || !scalar(v, at.child(key), "a string")) {
                return Optional.empty();
            }
            return Optional.of(String.valueOf(v.unwrapped()));
        }

        Optional<String> choice(String key, List<String> choices) {
            ConfigValue v = has(key);
            if (v == null || !scalar(v, at.child(key), "one of " + String.join(", ", choices))) {
                return Optional.empty();
            }
            String s = String.valueOf(v.unwrapped()).toLowerCase(Locale.ROOT);
            if (!choices.contains(s)) {
                problem(at.child(key), v, "expected one of " + String.join(", ", choices) + ", got '" + v.unwrapped() + "'"
                        + suggestion(s, choices));
                return Optional.empty();
            }
            return Optional.of(s);
        }

        Optional<Boolean> bool(String key) {
            return typed(key, "true or false", c -> c.getBoolean("v"));
        }

        Optional<Integer> integer(String key, int min, int max) {
            Optional<Integer> n = typed(key, "a whole number", c -> c.getInt("v"));
            if (n.isPresent() && (n.get() < min || n.get() > max)) {
                problemAt(key, "expected a whole number " + (max == Integer.MAX_VALUE ? "of at least " + min
                        : "from " + min + " to " + max) + ", got " + n.get());
                return Optional.empty();
            }
            return n;
        }

        /** A duration people write: 30s, 500ms, 5m, 2h, 365d. A bare number is refused: it would be milliseconds. */
        Optional<Duration> duration(String key) {
            ConfigValue v = has(key);
            if (v == null) {
                return Optional.empty();
            }
            String expected = "a duration with a unit, such as 30s, 500ms, 5m or 1d";
            if (v.valueType() == ConfigValueType.NUMBER) {
                problem(at.child(key), v, "expected " + expected + ", got the bare number " + v.render()
                        + " (write " + v.render() + "s for seconds)");
                return Optional.empty();
            }
            Optional<Duration> d = typed(key, expected, c -> c.getDuration("v"));
            if (d.isPresent() && d.get().isNegative()) {
                problemAt(key, "expected a duration of zero or more, got " + describe(v));
                return Optional.empty();
            }
            return d;
        }

        /** A size people write: 512KiB, 10MiB, 1GB; a bare number is bytes. */
        Optional<Long> size(String key, long max) {
            return size(key, 1, max);
        }

        /** A size of at least min bytes (0 or 1). */
        Optional<Long> size(String key, long min, long max) {
            Optional<Long> bytes = typed(key, "a size such as 8KiB, 10MiB or 1GB",
                    c -> c.getMemorySize("v").toBytes());
            if (bytes.isPresent() && (bytes.get() < min || bytes.get() > max)) {
                problemAt(key, "expected a size " + (min > 0 ? "above 0" : "of 0 or more")
                        + (max < Long.MAX_VALUE ? " and at most " + max + " bytes" : "")
                        + ", got " + describe(object.get(key)));
                return Optional.empty();
            }
            return bytes;
        }

        Optional<Path> path(String key) {
            ConfigValue v = has(key);
            return v == null ? Optional.empty() : Optional.ofNullable(ConfigFile.this.path(v, at.child(key)));
        }

        /** A context path or prefix: "/" or "/a/b". Null after a problem. */
        String contextPath(String key) {
            Optional<String> s = string(key);
            if (s.isEmpty()) {
                return null;
            }
            String problem = ContextPaths.problem(s.get());
            if (problem != null) {
                problemAt(key, "expected a path such as / or /shop, but '" + s.get() + "' " + problem);
                return null;
            }
            return s.get();
        }

        /** Calls each for each element of the list at key; the list, when present and a list. */
        Optional<ConfigList> list(String key, String expected, ElementReader each) {
            ConfigValue v = has(key);
            At listAt = at.child(key);
            if (v == null || !isType(v, listAt, ConfigValueType.LIST, expected)) {
                return Optional.empty();
            }
            ConfigList list = (ConfigList) v;
            for (int i = 0; i < list.size(); i++) {
                At elementAt = listAt.index(i);
                ConfigValue element = list.get(i);
                if (resolved(element, elementAt)) {
                    each.read(element, elementAt);
                }
            }
            return Optional.of(list);
        }

        /** Calls each for each entry of a free-form object at key (header names, parameters). */
        void object(String key, String expected, EntryReader each) {
            ConfigValue v = has(key);
            At objectAt = at.child(key);
            if (v == null || !isType(v, objectAt, ConfigValueType.OBJECT, expected)) {
                return;
            }
            ConfigObject o = (ConfigObject) v;
            List<String> names = new ArrayList<>(o.keySet());
            names.sort(Comparator.comparingInt(n -> line(o.get(n))));
            for (String name : names) {
                At entryAt = objectAt.child(name);
                if (resolved(o.get(name), entryAt)) {
                    each.read(name, o.get(name), entryAt);
                }
            }
        }

        /** The object at key as a section of the given schema, when present and an object. */
        Optional<Section> section(String key, String childSchema) {
            ConfigValue v = has(key);
            At childAt = at.child(key);
            if (v == null || !isType(v, childAt, ConfigValueType.OBJECT, "an object { ... }")) {
                return Optional.empty();
            }
            return Optional.of(new Section((ConfigObject) v, childAt, childSchema));
        }

        void problemAt(String key, String text) {
            problem(at.child(key), object.get(key), text);
        }

        private <T> Optional<T> typed(String key, String expected, Function<Config, T> read) {
            ConfigValue v = has(key);
            if (v == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(read.apply(v.atKey("v")));
            } catch (ConfigException e) {
                problem(at.child(key), v, "expected " + expected + ", got " + describe(v));
                return Optional.empty();
            }
        }
    }

    @FunctionalInterface
    interface ElementReader {
        void read(ConfigValue value, At at);
    }

    @FunctionalInterface
    interface EntryReader {
        void read(String name, ConfigValue value, At at);
    }

    /** A path relative to the file's directory; null after a problem. */
    Path path(ConfigValue v, At at) {
        if (!isType(v, at, ConfigValueType.STRING, "a path (a string)")) {
            return null;
        }
        String text = (String) v.unwrapped();
        if (text.isBlank()) {
            problem(at, v, "expected a path, got an empty string");
            return null;
        }
        return baseDir.resolve(text).normalize();
    }

    boolean isType(ConfigValue v, At at, ConfigValueType type, String expected) {
        if (v.valueType() != type) {
            problem(at, v, "expected " + expected + ", got " + describe(v));
            return false;
        }
        return true;
    }

    boolean scalar(ConfigValue v, At at, String expected) {
        ConfigValueType t = v.valueType();
        if (t == ConfigValueType.OBJECT || t == ConfigValueType.LIST || t == ConfigValueType.NULL) {
            problem(at, v, "expected " + expected + ", got " + describe(v));
            return false;
        }
        return true;
    }

    /** False, having said so, when v is a ${NAME} that neither the file nor the environment sets. */
    private boolean resolved(ConfigValue v, At at) {
        try {
            v.valueType();
            return true;
        } catch (ConfigException.NotResolved e) {
            problem(at, v, v.render() + " is not set: no such key in the file and no such environment variable"
                    + " (write ${?NAME} to make it optional)");
            return false;
        }
    }

    private static String describe(ConfigValue v) {
        return switch (v.valueType()) {
            case OBJECT -> "an object";
            case LIST -> "a list";
            case NULL -> "null";
            case BOOLEAN -> "the boolean " + v.render();
            case NUMBER -> "the number " + v.render();
            case STRING -> "'" + v.unwrapped() + "'";
        };
    }

    static String suggestion(String word, java.util.Collection<String> candidates) {
        return Suggestions.closest(word, candidates).map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    void problem(At at, ConfigValue value, String text) {
        problems.add(new Problem(origin(at, value), (at.key().isEmpty() ? "" : at.key() + ": ") + text));
    }

    /** How many problems were found so far (to tell whether a part read clean). */
    int problemCount() {
        return problems.size();
    }

    /** An object of the file to read as a section of the given schema (see {@link #KEYS}). */
    Section section(ConfigObject object, At at, String schema) {
        return new Section(object, at, schema);
    }

    /**
     * The file and line of a value. Values substituted from the environment have no line of
     * their own; they get the line where the substitution was written.
     */
    private Origin origin(At at, ConfigValue value) {
        if (value != null && value.origin().lineNumber() > 0) {
            return origin(value.origin());
        }
        Origin best = new Origin(fileName, 0);
        Object node = unresolved;
        for (Object segment : at.segments()) {
            if (node instanceof ConfigObject o && segment instanceof String key) {
                node = o.get(key);
            } else if (node instanceof ConfigList l && segment instanceof Integer i && i < l.size()) {
                node = l.get(i);
            } else {
                break;
            }
            if (node instanceof ConfigValue v && v.origin().lineNumber() > 0) {
                best = origin(v.origin());
            }
        }
        return best;
    }

    private Origin origin(ConfigOrigin origin) {
        String file = origin.filename() != null ? origin.filename() : fileName;
        return new Origin(file, Math.max(origin.lineNumber(), 0));
    }

    private static int line(ConfigValue v) {
        return v.origin().lineNumber();
    }

    /** Typesafe's message without its own "file: line: " prefix, which we print our way. */
    private static String withoutOrigin(ConfigException e) {
        String message = e.getMessage();
        if (e.origin() != null) {
            String prefix = e.origin().description() + ": ";
            if (message.startsWith(prefix)) {
                message = message.substring(prefix.length());
            }
        }
        String kind = e instanceof ConfigException.Parse ? "syntax error: " : "";
        return kind + message;
    }

    private static Map<String, List<String>> keys() {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        keys.put("", List.of("listeners", "state-dir", "shutdown-timeout", "users", "logins", "certificates",
                "tls-provider", "tls-profile", "hosts", "apps", "static", "limits", "logging", "jobs", "admin", "acme"));
        keys.put("logins", List.of("lockout-failures", "lockout-time"));
        keys.put("acme", List.of("directory", "email", "agree-terms", "eab", "trust", "challenge", "renew-before",
                "check-interval"));
        keys.put("acme.eab", List.of("kid", "hmac-key"));
        keys.put("listeners[]", List.of("host", "port", "tls", "h2c"));
        keys.put("certificates[]", List.of("cert", "key", "password"));
        keys.put("hosts.*", List.of("names", "default", "headers", "hsts", "https-redirect", "tls", "challenge"));
        keys.put("hosts.*.hsts", List.of("max-age", "include-subdomains", "preload"));
        keys.put("apps[]", List.of("war", "path", "hosts", "context-params", "env-entries", "max-requests", "max-queued"));
        keys.put("static[]", List.of("dir", "prefix", "hosts", "listing", "max-age", "compression", "create"));
        keys.put("limits", List.of("max-request-body", "max-header-size", "max-request-line", "max-headers",
                "idle-timeout", "request-timeout", "body-timeout", "body-min-rate", "max-connections",
                "http2-max-concurrent-streams", "write-timeout"));
        keys.put("logging", List.of("level", "format", "access-log"));
        keys.put("logging.access-log", List.of("enabled", "file", "format", "rotate", "max-size", "max-files"));
        keys.put("jobs.*", List.of("every", "delay", "cron", "timeout", "jitter", "history", "http", "command", "class"));
        keys.put("jobs.*.http", List.of("method", "path", "host", "headers", "body"));
        keys.put("jobs.*.command", List.of("argv", "dir", "env"));
        keys.put("jobs.*.class", List.of("name", "app", "jars", "data"));
        return Map.copyOf(keys);
    }
}
