package dev.container.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Turns what the user wrote ({@code --war shop.war:/store}, {@code --listen 127.0.0.1:8080}, ...)
 * into a validated {@link Plan}, optionally on top of a config file ({@link #configFile}): a flag
 * wins over the file for the same setting ({@code --listen} replaces the file's listeners,
 * {@code --state} its state directory), and {@code --war}/{@code --static} add to its default host.
 * Collects every problem before failing, so one run shows them all. Holds the defaults of every
 * setting the command line and the file share. Not thread-safe; use one builder per plan.
 */
public final class PlanBuilder {
    public static final int DEFAULT_PORT = 8080;
    public static final String ANY_HOST = "0.0.0.0";
    /** Where --dev serves HTTPS with the local CA's certificate when no listener is given. */
    public static final String LOCALHOST = "localhost";
    public static final int DEV_HTTPS_PORT = 8443;
    public static final Path DEFAULT_STATE_DIR = Path.of("state");
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Bodies up to 100 MiB (Cloudflare's upload limit: room for ordinary uploads, not for filling a
     * disk with one request; nginx's 1 MiB breaks common uploads, Caddy sets none); 64 KiB for the
     * request head, 8 KiB of it for the request line, and 100 header fields (Tomcat's count; nginx
     * allows 8 KiB per line and 32 KiB in all, Tomcat and Jetty 8 KiB in all); 60 s for an idle
     * kept-alive connection and 30 s to send a request's head (slowloris clients); accepting
     * pauses at 10,000 connections per listener; 100 HTTP/2 streams, the least RFC 9113 §6.5.2
     * recommends; a request body may wait 30 s for its next bytes (nginx's client_body_timeout) and
     * must then average 512 B/s (mod_reqtimeout's MinRate); 30 s for a response that makes no
     * progress (nginx's send_timeout is 60 s, Jetty's idle timeout 30 s: as long as a request head
     * may take, so that neither side of a slow client holds a worker or a stream longer than the other).
     */
    public static final Limits DEFAULT_LIMITS = new Limits(100L * 1024 * 1024, 64 * 1024,
            Duration.ofSeconds(60), Duration.ofSeconds(30), 10_000, 100, 8 * 1024, 100, Duration.ofSeconds(30), 512,
            Duration.ofSeconds(30));
    public static final LoggingSpec DEFAULT_LOGGING = new LoggingSpec("info", LogFormat.TEXT, Optional.empty());

    private final List<String> problems = new ArrayList<>();
    private final List<ListenerSpec> listeners = new ArrayList<>();
    private final List<AppSpec> apps = new ArrayList<>();
    private final List<StaticSpec> statics = new ArrayList<>();
    /** context path or prefix -> the argument that claimed it, to name both in a clash. */
    private final Map<String, String> claimedPaths = new HashMap<>();
    private Optional<Users> users = Optional.empty();
    private boolean dev;
    private boolean h2c;
    /** False after --no-migrate: every app's javax.servlet WAR is refused, whatever its migrate key says. */
    private boolean migrate = true;
    private final List<CertSpec> certs = new ArrayList<>();
    private boolean certsFromFlags;
    private Path stateDir = DEFAULT_STATE_DIR;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private List<HostSpec> hosts = List.of(HostSpec.DEFAULT);
    private Limits limits = DEFAULT_LIMITS;
    private LoggingSpec logging = DEFAULT_LOGGING;
    /** --log-format, applied in build(): it wins over the file's logging.format, whatever the order given. */
    private Optional<LogFormat> logFormatFlag = Optional.empty();
    private TlsProvider tlsProvider = TlsProvider.AUTO;
    private TlsProfile tlsProfile = TlsProfile.INTERMEDIATE;
    private final List<JobSpec> jobs = new ArrayList<>();
    /** --job arguments, read in build() once every --war is known (a class job may name one). */
    private final List<String> jobFlags = new ArrayList<>();
    private Optional<ListenerSpec> admin = Optional.of(JobsSection.DEFAULT_ADMIN);
    /** The listeners came from a config file: the first --listen replaces them. */
    private boolean listenersFromFile;
    /** Whether the config file had a listeners list (--domain adds :80 and :443 only when neither it nor a flag did). */
    private boolean listenersGiven;
    private AcmeSpec acme = AcmeSpec.DEFAULT;
    private LoginsSpec logins = LoginsSpec.DEFAULT;
    private MetricsSpec metrics = MetricsSpec.DEFAULT;
    private StorageSpec storage = StorageSpec.FILES;
    /** --metrics as given, checked in build() against the token (which may come after it). */
    private Optional<String> metricsFlag = Optional.empty();
    /** --domain names, for the default host, with certificates from ACME. */
    private final List<String> domains = new ArrayList<>();

    /**
     * Starts from a config file ({@link ConfigFile}); call it before the flags. Its problems, if
     * any, are reported with the flags' by {@link #build()}.
     */
    public PlanBuilder configFile(Path file) {
        Plan plan;
        ConfigFile.Loaded loaded;
        try {
            loaded = ConfigFile.loadWithUsers(file);
            plan = loaded.plan();
            users = loaded.users();
        } catch (ConfigError e) {
            problems.addAll(e.problems());
            return this;
        }
        listeners.addAll(plan.listeners());
        listenersFromFile = true;
        listenersGiven = loaded.listenersGiven(); // from the one parse: a file of 10,000 certificates takes a second
        acme = plan.acme();
        logins = plan.logins();
        metrics = plan.metrics();
        storage = plan.storage();
        certs.addAll(plan.certs());
        apps.addAll(plan.apps());
        statics.addAll(plan.statics());
        stateDir = plan.stateDir();
        shutdownTimeout = plan.shutdownTimeout();
        hosts = plan.hosts();
        limits = plan.limits();
        logging = plan.logging();
        tlsProvider = plan.tlsProvider();
        tlsProfile = plan.tlsProfile();
        jobs.addAll(plan.jobs());
        admin = plan.admin();
        HostSpec defaultHost = plan.defaultHost();
        for (AppSpec app : plan.appsOn(defaultHost)) {
            claimedPaths.put(app.contextPath(), "an app in " + file);
        }
        for (StaticSpec mount : plan.staticsOn(defaultHost)) {
            claimedPaths.put(mount.prefix(), "a static mount in " + file);
        }
        return this;
    }

    /** {@code PATH[:/ctx]}: a WAR file or exploded directory, optionally with its context path. */
    public PlanBuilder war(String argument) {
        var parts = splitPathAndPrefix(argument);
        Path source = Path.of(parts[0]);
        String fileName = source.toAbsolutePath().normalize().getFileName() == null
                ? "" : source.toAbsolutePath().normalize().getFileName().toString();
        String context = parts[1] != null ? parts[1] : ContextPaths.fromFileName(fileName);
        if (!checkPath("--war", argument, context)) {
            return this;
        }
        if (Files.isDirectory(source)) {
            apps.add(new AppSpec(source.toAbsolutePath().normalize(), context, true));
        } else if (!Files.exists(source)) {
            problems.add("--war " + argument + ": no such file or directory: " + source);
        } else if (!isZip(source)) {
            problems.add("--war " + argument + ": not a WAR (zip) file: " + source);
        } else {
            apps.add(new AppSpec(source.toAbsolutePath().normalize(), context, false));
        }
        return this;
    }

    /** {@code DIR[:/prefix]}: a directory of static files, at "/" unless a prefix is given. */
    public PlanBuilder staticDir(String argument, boolean listing) {
        var parts = splitPathAndPrefix(argument);
        Path root = Path.of(parts[0]);
        String prefix = parts[1] != null ? parts[1] : "/";
        if (!checkPath("--static", argument, prefix)) {
            return this;
        }
        if (!Files.exists(root)) {
            problems.add("--static " + argument + ": no such directory: " + root);
        } else if (!Files.isDirectory(root)) {
            problems.add("--static " + argument + ": not a directory: " + root);
        } else {
            statics.add(new StaticSpec(root.toAbsolutePath().normalize(), prefix, listing));
        }
        return this;
    }

    /** {@code [host]:port}, {@code port}, or {@code [v6-literal]:port}; no host means every interface. */
    public PlanBuilder listen(String argument) {
        listenersGiven = true;
        if (listenersFromFile) {
            listeners.clear();
            listenersFromFile = false;
        }
        ListenerSpec spec = parseListen(argument, problem -> problems.add("--listen " + argument + ": " + problem));
        if (spec == null) {
            return this;
        }
        if (spec.port() != 0 && listeners.contains(spec)) {
            problems.add("--listen " + argument + ": given twice");
            return this;
        }
        listeners.add(spec);
        return this;
    }

    /**
     * Parses {@code [host]:port}, {@code port} or {@code [v6-literal]:port} (no host: every
     * interface) and resolves the host once, so a typo fails at start, not at bind time. Returns
     * null after telling {@code problem} why, when the text is not such an address.
     */
    static ListenerSpec parseListen(String argument, Consumer<String> problem) {
        String host;
        String port;
        if (argument.startsWith("[")) {
            int close = argument.indexOf("]:");
            if (close < 0) {
                problem.accept("expected [ipv6-address]:port");
                return null;
            }
            host = argument.substring(1, close);
            port = argument.substring(close + 2);
        } else {
            int colon = argument.lastIndexOf(':');
            if (colon >= 0 && argument.indexOf(':') != colon) {
                problem.accept("write IPv6 addresses in brackets, e.g. [::1]:8080");
                return null;
            }
            host = colon < 0 ? "" : argument.substring(0, colon);
            port = colon < 0 ? argument : argument.substring(colon + 1);
        }
        int portNumber;
        try {
            portNumber = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            problem.accept("port '" + port + "' is not a number");
            return null;
        }
        return listener(host, portNumber, problem);
    }

    /** A listener on host ("" for every interface) and port, or null after telling problem why not. */
    static ListenerSpec listener(String host, int port, Consumer<String> problem) {
        if (port < 0 || port > 65_535) {
            problem.accept("port must be 0..65535, got " + port);
            return null;
        }
        if (host.isEmpty()) {
            return new ListenerSpec(ANY_HOST, port);
        }
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            problem.accept("unknown host '" + host + "'");
            return null;
        }
        return new ListenerSpec(host, port);
    }

    /** How logins are guarded: the config file's {@code logins} section, or tests' own. */
    public PlanBuilder logins(LoginsSpec spec) {
        logins = spec;
        return this;
    }

    /** The users file every app's login checks against (see {@link Users} for its format). */
    public PlanBuilder users(Path file) {
        try {
            users = Optional.of(Users.read(file));
        } catch (ConfigError e) {
            e.problems().forEach(p -> problems.add("--users " + p));
        }
        return this;
    }

    /** {@code [host]:port} served over HTTPS (HTTP/2 by ALPN) with the certificates of {@link #cert}. */
    public PlanBuilder https(String argument) {
        listenersGiven = true;
        if (listenersFromFile) {
            listeners.clear();
            listenersFromFile = false;
        }
        ListenerSpec spec = parseListen(argument, problem -> problems.add("--https " + argument + ": " + problem));
        if (spec != null) {
            listeners.add(spec.withTls());
        }
        return this;
    }

    /** A PEM certificate chain and its PEM private key, for the HTTPS listeners. */
    public PlanBuilder cert(Path cert, Path key) {
        return cert(cert, key, Optional.empty());
    }

    /**
     * A certificate for the HTTPS listeners: a PEM chain and its PEM key (key not null), or a
     * PKCS#12 file holding both (key null); password opens the PKCS#12 file or an encrypted key.
     */
    public PlanBuilder cert(Path cert, Path key, Optional<String> password) {
        boolean ok = readable("--cert", cert);
        if (key != null) {
            ok &= readable("--key", key);
        }
        if (ok) {
            Path c = cert.toAbsolutePath().normalize();
            certs.add(key == null ? CertSpec.pkcs12(c, password)
                    : new CertSpec(c, key.toAbsolutePath().normalize(), password));
            certsFromFlags = true;
        }
        return this;
    }

    private boolean readable(String flag, Path file) {
        if (!Files.isRegularFile(file)) {
            problems.add(flag + " " + file + ": no such file");
            return false;
        } else if (!Files.isReadable(file)) {
            problems.add(flag + " " + file + ": not readable");
            return false;
        }
        return true;
    }

    /** HTTP/2 in cleartext (prior knowledge and Upgrade: h2c) on every plain listener as well as HTTP/1.1. */
    public PlanBuilder h2c(boolean on) {
        h2c = on;
        return this;
    }

    /** {@code auto}, {@code conscrypt} or {@code jdk} ({@link TlsProvider}): replaces the config file's. */
    public PlanBuilder tlsProvider(String name) {
        TlsProvider.named(name).ifPresentOrElse(p -> tlsProvider = p, () -> problems.add("--tls-provider " + name
                + ": expected one of " + String.join(", ", TlsProvider.NAMES)));
        return this;
    }

    /** {@code intermediate} or {@code modern} ({@link TlsProfile}): replaces the config file's. */
    public PlanBuilder tlsProfile(String name) {
        TlsProfile.named(name).ifPresentOrElse(p -> tlsProfile = p, () -> problems.add("--tls-profile " + name
                + ": expected one of " + String.join(", ", TlsProfile.NAMES)));
        return this;
    }

    /** {@code --log-format text|json}: how the container's log is written; wins over logging.format. */
    public PlanBuilder logFormat(String name) {
        LogFormat.named(name).ifPresentOrElse(f -> logFormatFlag = Optional.of(f), () -> problems.add("--log-format "
                + name + ": expected one of " + String.join(", ", LogFormat.NAMES)));
        return this;
    }

    /** {@code --job 'NAME every 5m http GET /app/tick'}: one job in a line ({@link JobFlag}). */
    public PlanBuilder job(String argument) {
        jobFlags.add(argument);
        return this;
    }

    /** Where the admin channel listens (a loopback address), or empty for none. */
    public PlanBuilder admin(Optional<ListenerSpec> where) {
        admin = where;
        return this;
    }

    /** {@code --admin HOST:PORT} on a loopback address, or {@code off}. */
    public PlanBuilder admin(String argument) {
        if (argument.equals("off")) {
            admin = Optional.empty();
            return this;
        }
        ListenerSpec spec = parseListen(argument, p -> problems.add("--admin " + argument + ": " + p));
        if (spec != null && !JobsSection.isLoopback(spec.host())) {
            problems.add("--admin " + argument + ": not a loopback address: " + JobsSection.ADMIN_LOOPBACK_ONLY);
        } else if (spec != null) {
            admin = Optional.of(spec);
        }
        return this;
    }

    /** The metrics as a whole (tests; the config file's {@code metrics} section). */
    public PlanBuilder metrics(MetricsSpec spec) {
        metrics = spec;
        return this;
    }

    /**
     * {@code --metrics HOST:PORT}: the metrics on a listener of their own too (off the loopback only
     * with a token: the file's metrics.token or {@link #metricsToken}); {@code --metrics off}: no
     * metrics at all. Replaces the file's listen setting.
     */
    public PlanBuilder metrics(String argument) {
        metricsFlag = Optional.of(argument);
        return this;
    }

    /** The metrics listener's token (from the environment: {@code CONTAINER_METRICS_TOKEN}); replaces the file's. */
    public PlanBuilder metricsToken(String token) {
        String problem = MetricsSection.tokenProblem(token);
        if (problem != null) {
            problems.add("the metrics token: " + problem);
        } else {
            metrics = metrics.withToken(token);
        }
        return this;
    }

    private void applyMetricsFlag(String argument) {
        if (argument.equals("off")) {
            metrics = MetricsSpec.OFF;
            return;
        }
        ListenerSpec spec = parseListen(argument, p -> problems.add("--metrics " + argument + ": " + p));
        if (spec == null) {
            return;
        }
        if (metrics.token().isEmpty() && !JobsSection.isLoopback(spec.host())) {
            problems.add("--metrics " + argument + ": not a loopback address: " + MetricsSection.TOKEN_NEEDED
                    .replace("set metrics.token", "set metrics.token in the config file or the environment variable "
                            + "CONTAINER_METRICS_TOKEN"));
            return;
        }
        metrics = metrics.withListen(Optional.of(spec));
    }

    /**
     * {@code --domain NAME}: the default host answers to NAME and gets its certificate from the ACME
     * CA (the config file's acme section, else Let's Encrypt); giving it means agreeing to the CA's
     * terms, as with Caddy. Without --listen or --https (here or in the file), the server listens on
     * :80 and :443 (HTTPS).
     */
    public PlanBuilder domain(String name) {
        String n = HostSpec.normalize(name.trim());
        String problem = HostSpec.problem(n);
        if (problem == null && n.startsWith("*.")) {
            problem = "is a wildcard: ACME over http-01 or tls-alpn-01 cannot get one; give each name";
        } else if (problem == null && (n.contains(":") || n.matches("[0-9.]+"))) {
            problem = "is an IP address: public CAs issue certificates for DNS names";
        }
        if (problem != null) {
            problems.add("--domain " + name + ": '" + n + "' " + problem);
        } else if (!domains.contains(n)) {
            domains.add(n);
        }
        return this;
    }

    /** {@code --email ADDR}: the ACME account's contact (expiry warnings from the CA go there). */
    public PlanBuilder email(String address) {
        if (!address.matches("[^@\\s]+@[^@\\s]+")) {
            problems.add("--email " + address + ": expected an email address such as me@example.com");
        } else {
            acme = acme.withEmail(address);
        }
        return this;
    }

    /**
     * {@code --no-migrate} (false): no app's javax.servlet WAR is migrated to jakarta.* at deploy,
     * they are refused as before, whatever their {@code migrate} key says.
     */
    public PlanBuilder migrate(boolean on) {
        migrate = on;
        return this;
    }

    /** Development mode: redeploy apps whose WAR or classes change; stack traces on error pages. */
    public PlanBuilder dev(boolean on) {
        dev = on;
        return this;
    }

    public PlanBuilder stateDir(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            problems.add("--state " + dir + ": not a directory");
        } else {
            stateDir = dir;
        }
        return this;
    }

    /** The limits (the config file's {@code limits} section; no flags set them). */
    public PlanBuilder limits(Limits l) {
        limits = l;
        return this;
    }

    public PlanBuilder shutdownTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            problems.add("shutdown timeout must not be negative, got " + timeout);
        } else {
            shutdownTimeout = timeout;
        }
        return this;
    }

    /** The plan, or a {@link ConfigError} listing every problem found. */
    public Plan build() {
        if (!domains.isEmpty()) {
            applyDomains();
        }
        boolean https = listeners.stream().anyMatch(ListenerSpec::tls);
        boolean autoTls = hosts.stream().anyMatch(h -> h.tls() != HostTls.FILES);
        if (https && certs.isEmpty() && !autoTls && !dev) {
            problems.add("--https needs a certificate: give --cert FILE --key FILE (or --dev for a local one)");
        }
        if (!https && certsFromFlags) {
            problems.add("--cert is for HTTPS listeners: add --https [HOST]:PORT");
        }
        metricsFlag.ifPresent(this::applyMetricsFlag);
        for (String flag : jobFlags) {
            JobSpec job = JobFlag.parse(flag, apps, p -> problems.add("--job " + flag + ": " + p));
            if (job != null && jobs.stream().anyMatch(j -> j.name().equals(job.name()))) {
                problems.add("--job " + flag + ": there is already a job named " + job.name());
            } else if (job != null) {
                jobs.add(job);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigError(problems);
        }
        var ls = (listeners.isEmpty() ? defaultListeners() : listeners).stream()
                .map(l -> h2c && !l.tls() ? l.withH2c() : l)
                .toList();
        var withUsers = apps.stream().map(a -> a.withUsers(users)).map(a -> migrate ? a : a.withMigrate(false)).toList();
        return new Plan(ls, withUsers, statics, stateDir.toAbsolutePath().normalize(), shutdownTimeout, hosts, limits,
                logFormatFlag.map(logging::withFormat).orElse(logging), dev, certs, tlsProvider, tlsProfile, jobs, admin, acme, logins, metrics,
                storage);
    }

    /** Plain HTTP on :8080; in dev mode also HTTPS on localhost:8443, with the local CA's certificate. */
    private List<ListenerSpec> defaultListeners() {
        var plain = new ListenerSpec(ANY_HOST, DEFAULT_PORT);
        return dev && certs.isEmpty() ? List.of(plain, new ListenerSpec(LOCALHOST, DEV_HTTPS_PORT).withTls()) : List.of(plain);
    }

    /** --domain: the default host takes the names, with tls = auto; :80 and :443 unless listeners were given. */
    private void applyDomains() {
        for (HostSpec host : hosts) {
            for (String domain : domains) {
                if (!host.isDefault() && host.names().contains(domain)) {
                    problems.add("--domain " + domain + ": the config file gives that name to host " + host.id());
                }
            }
        }
        hosts = hosts.stream().map(h -> h.isDefault() ? h.withAutoTls(domains) : h).toList();
        // giving a domain on the command line is agreeing to the CA's terms, as Caddy's one-line start does
        acme = acme.withTermsAgreed();
        if (!listenersGiven) {
            listeners.clear();
            listeners.add(new ListenerSpec(ANY_HOST, 80));
            listeners.add(new ListenerSpec(ANY_HOST, 443).withTls());
        } else if (listeners.stream().noneMatch(ListenerSpec::tls)) {
            problems.add("--domain needs an HTTPS listener to serve its certificate: add --https :443");
        }
    }

    private boolean checkPath(String flag, String argument, String path) {
        String problem = ContextPaths.problem(path);
        if (problem != null) {
            problems.add(flag + " " + argument + ": path '" + path + "' " + problem);
            return false;
        }
        String previous = claimedPaths.putIfAbsent(path, flag + " " + argument);
        if (previous != null) {
            problems.add(flag + " " + argument + ": path " + path + " is already served by " + previous);
            return false;
        }
        return true;
    }

    /** Splits {@code some/path:/prefix}; the prefix part is null when absent. */
    private static String[] splitPathAndPrefix(String argument) {
        int at = argument.lastIndexOf(":/");
        if (at <= 0) {
            return new String[] {argument, null};
        }
        return new String[] {argument.substring(0, at), argument.substring(at + 1)};
    }

    static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            // Local file header or (for an empty archive) end-of-central-directory signature.
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K'
                    && ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
        } catch (IOException e) {
            return false;
        }
    }
}
