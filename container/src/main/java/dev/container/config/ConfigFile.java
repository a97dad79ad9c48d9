package dev.container.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a config file (HOCON, through Typesafe Config) into a {@link Plan}. Checks the whole file
 * and reports every problem at once, in file order, each as {@code FILE:LINE: key: what was
 * expected}: syntax errors, unknown keys (with the closest known key as a suggestion), wrong
 * types, durations without a unit, missing files, paths claimed twice on one host, host names
 * claimed by two hosts. {@code ${NAME}} and {@code ${?NAME}} read the environment.
 *
 * <p>Each section of the file has a reader of its own ({@link ListenersSection},
 * {@link HostsSection}, ...), which holds the section's keys and its file-only defaults; this
 * class parses the file, reads the few top-level settings, hands each section to its reader in
 * order and puts the results in a Plan. Relative paths in the file are relative to the file's
 * directory, so a file means the same from any working directory. The defaults of settings the
 * command line shares live in {@link PlanBuilder}. Stateless; safe from any thread.
 */
public final class ConfigFile {
    /** The keys of the top level: the settings read here and the name of each section. */
    private static final List<String> TOP_LEVEL = List.of("listeners", "state-dir", "shutdown-timeout", "users",
            "logins", "certificates", "tls-provider", "tls-profile", "hosts", "apps", "static", "limits", "logging",
            "jobs", "admin", "acme", "metrics", "storage");

    /**
     * Every key the file may have, by section: "" is the top level, "apps[]" each element of the
     * apps list, "hosts.*" each host. Keys of hosts, hosts.*.headers, apps[].context-params and
     * apps[].resources are the user's own names. Each reader holds its own sections' keys;
     * conf/container.conf documents each of these keys (a test checks).
     */
    static final Map<String, List<String>> KEYS = keys(Map.of("", TOP_LEVEL), ListenersSection.KEYS,
            CertificatesSection.KEYS, LoginsSection.KEYS, HostsSection.KEYS, AppsSection.KEYS, ResourcesSection.KEYS,
            StaticSection.KEYS, LimitsSection.KEYS, LoggingSection.KEYS, JobsSection.KEYS, JobActionsSection.KEYS,
            AcmeSection.KEYS, MetricsSection.KEYS, StorageSection.KEYS);

    /** The default HSTS max-age ({@link HostsSection#DEFAULT_HSTS_MAX_AGE}). */
    static final Duration DEFAULT_HSTS_MAX_AGE = HostsSection.DEFAULT_HSTS_MAX_AGE;

    private final String fileName;
    private final Path baseDir;
    /** The environment, for what the file may leave to it (the storage key). */
    private final Map<String, String> environment;
    private Optional<Users> users = Optional.empty();
    /** Whether the file sets listeners, known once it is parsed, for {@link Loaded}. */
    private boolean listenersGiven;

    private ConfigFile(Path file, Map<String, String> environment) {
        this.fileName = file.toString();
        this.environment = environment;
        Path parent = file.toAbsolutePath().normalize().getParent();
        this.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /** The plan the file describes, or a {@link ConfigError} with every problem in it. */
    public static Plan load(Path file) {
        return load(file, System.getenv());
    }

    /** As {@link #load(Path)}, with that environment instead of the process's (for tests). */
    static Plan load(Path file, Map<String, String> environment) {
        return new ConfigFile(file, environment).read(file);
    }

    /**
     * A file's plan and the users file it names, for flags to add apps to ({@link PlanBuilder}),
     * and whether it sets listeners itself (so --domain leaves them alone).
     */
    record Loaded(Plan plan, Optional<Users> users, boolean listenersGiven) {
    }

    static Loaded loadWithUsers(Path file) {
        ConfigFile reader = new ConfigFile(file, System.getenv());
        Plan plan = reader.read(file);
        return new Loaded(plan, reader.users, reader.listenersGiven);
    }

    private Plan read(Path file) {
        if (!Files.exists(file)) {
            throw new ConfigError(fileName + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigError(fileName + ": not a file");
        }
        Reading reading;
        ConfigObject root;
        try {
            Config parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            // Unresolved ${NAME}s stay in the tree and are reported where they are, with the rest.
            reading = new Reading(fileName, baseDir, parsed.root());
            listenersGiven = parsed.hasPathOrNull("listeners");
            root = parsed.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true)).root();
        } catch (ConfigException e) {
            throw new ConfigError(Reading.origin(e.origin(), fileName) + ": " + withoutOrigin(e));
        }
        Plan plan = plan(reading.section(root, At.ROOT, ""));
        reading.throwProblems();
        return plan;
    }

    /** The plan of the top level, or null when a section had problems (which reading holds). */
    private Plan plan(Section top) {
        List<ListenerSpec> listeners = ListenersSection.read(top);
        Path stateDir = top.path("state-dir").orElse(baseDir.resolve(PlanBuilder.DEFAULT_STATE_DIR));
        Duration shutdownTimeout = top.duration("shutdown-timeout").orElse(PlanBuilder.DEFAULT_SHUTDOWN_TIMEOUT);
        HostsSection hostsSection = new HostsSection(top.reading, listeners);
        List<HostSpec> hosts = hostsSection.read(top);
        PathClaims claims = new PathClaims(top.reading, hosts);
        hostsSection.claimHealthPaths(claims);
        List<AppSpec> apps = AppsSection.read(top, hostsSection, claims);
        List<StaticSpec> statics = StaticSection.read(top, hostsSection, claims);
        Limits limits = LimitsSection.read(top);
        LoggingSpec logging = LoggingSection.read(top);
        users = LoginsSection.users(top);
        LoginsSpec logins = LoginsSection.logins(top);
        List<CertSpec> certs = CertificatesSection.read(top);
        TlsProvider tlsProvider = top.choice("tls-provider", TlsProvider.NAMES).flatMap(TlsProvider::named)
                .orElse(TlsProvider.AUTO);
        TlsProfile tlsProfile = top.choice("tls-profile", TlsProfile.NAMES).flatMap(TlsProfile::named)
                .orElse(TlsProfile.INTERMEDIATE);
        JobsSection jobsSection = new JobsSection(top.reading);
        List<JobSpec> jobs = jobsSection.jobs(top, hosts, apps);
        Optional<ListenerSpec> admin = jobsSection.admin(top);
        AcmeSpec acme = AcmeSection.read(top, hosts, listeners, hostsSection.challenges());
        MetricsSpec metrics = MetricsSection.read(top);
        StorageSpec storage = StorageSection.read(top, environment);
        CertificatesSection.checkNeeded(top, listeners, hosts);
        top.finish();
        if (top.reading.problemCount() > 0) {
            return null;
        }
        List<AppSpec> withUsers = apps.stream().map(app -> app.withUsers(users)).toList();
        return new Plan(listeners, withUsers, statics, stateDir, shutdownTimeout, hosts, limits, logging, false, certs,
                tlsProvider, tlsProfile, jobs, admin, acme, logins, metrics, storage);
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

    @SafeVarargs
    private static Map<String, List<String>> keys(Map<String, List<String>>... sections) {
        Map<String, List<String>> keys = new HashMap<>();
        for (Map<String, List<String>> section : sections) {
            keys.putAll(section);
        }
        return Map.copyOf(keys);
    }
}
