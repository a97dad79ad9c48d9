package dev.container.cli;

import dev.container.Container;
import dev.container.DevWatcher;
import dev.container.Launcher;
import dev.container.StartupError;
import dev.container.config.CertSpec;
import dev.container.config.ConfigError;
import dev.container.config.LogFormat;
import dev.container.config.Plan;
import dev.container.config.PlanBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code container run}: serve WARs and static directories until SIGTERM or SIGINT. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {"Serves the given WARs and static directories until stopped (SIGTERM or Ctrl-C).",
                "With no --listen, plain HTTP on port 8080 of every interface.",
                "With --config, SIGHUP (kill -HUP PID) re-reads the file and applies what changed."},
        footer = {"", "Examples:",
                "  container run --war shop.war --war ROOT.war --static ./public",
                "  container run --war build/api.war:/api --static site:/ --listen 127.0.0.1:9000",
                "  container run --war admin.war --users conf/users.properties",
                "  container run --war app.war --static ./public --domain example.com --email me@example.com",
                "  container run --war app.war --job 'tick every 5m http GET /app/tick'",
                "  container run --static site --job \"nightly cron '0 3 * * *' command ./backup.sh\""})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("container");

    static final String CERT_PASSWORD_ENV = "CONTAINER_CERT_PASSWORD";
    static final String METRICS_TOKEN_ENV = "CONTAINER_METRICS_TOKEN";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--war", paramLabel = "PATH[:/CTX]",
            description = "A WAR file or exploded directory (repeatable). Context path from the name, "
                    + "as Tomcat does: shop.war -> /shop, ROOT.war -> /; or give it after a colon.")
    private List<String> wars = new ArrayList<>();

    @Option(names = "--static", paramLabel = "DIR[:/PREFIX]",
            description = "A directory of static files (repeatable), served at / or at the given prefix.")
    private List<String> statics = new ArrayList<>();

    @Option(names = "--browse", description = "List directories without an index.html in the static mounts.")
    private boolean browse;

    @Option(names = "--listen", paramLabel = "[HOST]:PORT",
            description = "Address to serve plain HTTP on (repeatable). Default :8080 (every interface); "
                    + "IPv6 in brackets: [::1]:8080.")
    private List<String> listens = new ArrayList<>();

    @Option(names = "--users", paramLabel = "FILE",
            description = "Users and roles for the apps' security constraints and BASIC/FORM logins: "
                    + "lines 'name = password, role1, role2', '#' comments. A password is an argon2id hash "
                    + "from 'container hash-password', a bcrypt hash ($2y$, as htpasswd -B makes), or (with a "
                    + "warning) plain text or the deprecated {SHA-256}SALT$HEX. Without it every login fails.")
    private Path users;

    @Option(names = "--state", paramLabel = "DIR",
            description = "Where unpacked WARs and other state live. Default ./state.")
    private Path state;

    @Option(names = "--https", paramLabel = "[HOST]:PORT",
            description = "Address to serve HTTPS on (repeatable): TLS 1.2/1.3 through Conscrypt (BoringSSL), "
                    + "HTTP/2 by ALPN, HTTP/1.1 for clients without it. Needs --cert and --key.")
    private List<String> httpsListens = new ArrayList<>();

    @Option(names = "--cert", paramLabel = "FILE",
            description = "A PEM certificate chain, leaf first, paired with a --key in order; or a PKCS#12 "
                    + "file (.p12/.pfx) holding chain and key, without --key (repeatable). The names it covers "
                    + "select it by SNI; the first one is the default. A PKCS#12 password or an encrypted "
                    + "key's is read from the environment variable " + CERT_PASSWORD_ENV + ".")
    private List<Path> certs = new ArrayList<>();

    @Option(names = "--key", paramLabel = "FILE",
            description = "The PEM private key of the next PEM --cert (PKCS#8, RSA or EC; encrypted or not).")
    private List<Path> keys = new ArrayList<>();

    @Option(names = "--h2c", description = "Speak HTTP/2 in cleartext as well as HTTP/1.1 on the plain listeners "
            + "(prior knowledge, and Upgrade: h2c): for a proxy in front that talks h2c, or for trying HTTP/2 "
            + "without certificates. HTTPS listeners always offer h2 by ALPN.")
    private boolean h2c;

    @Option(names = "--tls-provider", paramLabel = "auto|conscrypt|jdk",
            description = "The TLS implementation of the HTTPS listeners: auto (the default) takes Conscrypt "
                    + "(BoringSSL) where its native library loads, else the JDK's with a warning; conscrypt "
                    + "refuses to start without it; jdk always uses the JDK's.")
    private String tlsProvider;

    @Option(names = "--tls-profile", paramLabel = "intermediate|modern",
            description = "Mozilla's TLS configuration the HTTPS listeners follow: intermediate (the default) "
                    + "speaks TLS 1.2 and 1.3 with ECDHE and AES-GCM or ChaCha20-Poly1305; modern speaks TLS 1.3 "
                    + "only, for services whose clients are all recent.")
    private String tlsProfile;

    @Option(names = "--domain", paramLabel = "NAME",
            description = "Get a trusted certificate for NAME from Let's Encrypt (or the config file's acme CA) "
                    + "and serve it, renewed automatically (repeatable; the default host answers to these names). "
                    + "Giving it means you agree to the CA's terms of service. Without --listen and --https: "
                    + "plain HTTP on :80 (for the CA's http-01 check) and HTTPS on :443. Certificates and the "
                    + "ACME account are kept in the state directory.")
    private List<String> domains = new ArrayList<>();

    @Option(names = "--email", paramLabel = "ADDR",
            description = "The ACME account's contact address (the CA writes there about expiring certificates).")
    private String email;

    @Option(names = "--dev", description = "Development mode: redeploy an app when its WAR or classes change "
            + "(side by side, no failed request), and show stack traces on error pages.")
    private boolean dev;

    @Option(names = "--no-migrate", description = "Refuse WARs built for javax.servlet (Java EE 8 or older) instead "
            + "of migrating them to jakarta.* at deploy with Apache Tomcat's migration tool (the default; the "
            + "migrated copy is kept in STATE/migrated). Wins over the config file's per-app migrate key.")
    private boolean noMigrate;

    @Option(names = "--job", paramLabel = "'NAME SCHEDULE KIND'",
            description = "A scheduled job (repeatable): NAME every DURATION [after DELAY] KIND, or NAME cron "
                    + "'EXPR' KIND (5-field Unix or Quartz form); KIND is http [METHOD] /path (the container's own "
                    + "apps), command PROGRAM [ARGS...] (run in the state directory), or class CLASS [in /CONTEXT] "
                    + "(an org.quartz.Job or Runnable). More options in the config file's jobs section.")
    private List<String> jobs = new ArrayList<>();

    @Option(names = "--admin", paramLabel = "HOST:PORT|off",
            description = "Where the admin channel listens, for 'container jobs': a loopback address (it has no "
                    + "TLS yet, so other addresses are refused). Default 127.0.0.1:0 (a free port, written with a "
                    + "token to STATE/admin.json); off for none.")
    private String admin;

    @Option(names = "--metrics", paramLabel = "HOST:PORT|off",
            description = "Prometheus metrics are on by default, at the admin channel's GET /metrics. HOST:PORT serves "
                    + "them on a listener of their own too, for a scraper on another host: off the loopback it needs a "
                    + "token (the config file's metrics.token or the environment variable " + METRICS_TOKEN_ENV
                    + ", at least 32 characters), sent as 'Authorization: Bearer TOKEN'. off: no metrics at all.")
    private String metrics;

    @Option(names = "--log-format", paramLabel = "text|json",
            description = "How the container writes its log on stderr: text (the default), one readable line per "
                    + "event; json, one JSON object per line (timestamp, level, logger, thread, message, "
                    + "exception) for log shippers. Wins over the config file's logging.format.")
    private String logFormat;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A config file (HOCON, see conf/container.conf). Flags win over it: --listen and "
                    + "--state replace its settings, --war and --static add to its default host. "
                    + "SIGHUP reloads it without dropping a request.")
    private Path config;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        Plan plan;
        try {
            plan = plan();
        } catch (ConfigError e) {
            e.problems().forEach(p -> err.println("container: " + p));
            return CommandLine.ExitCode.USAGE;
        }
        if (plan.apps().isEmpty() && plan.statics().isEmpty()) {
            err.println("container: nothing to serve: give at least one --war or --static");
            err.println("Try 'container run --help' for more information.");
            return CommandLine.ExitCode.USAGE;
        }
        Signals signals = Signals.install();
        Container container;
        try {
            container = Container.start(plan, new Launcher() {
                @Override
                public Optional<Path> configFile() {
                    return Optional.ofNullable(config);
                }

                @Override
                public Plan readPlan() {
                    return plan();
                }

                @Override
                public void requestStop(Container running) {
                    signals.requestStop(); // as SIGTERM: the main thread closes the container and exits 0
                }
            });
        } catch (StartupError e) {
            if (plan.logging().format() == LogFormat.JSON) {
                log.error("{}", e.getMessage()); // a JSON line, as the log's lines before it
            } else {
                err.println("container: " + e.getMessage());
            }
            return e.exitStatus();
        }
        // SIGHUP and POST /reload take the same path: the file and the flags read again, as at start
        signals.onHangup(container::reloadConfig);
        DevWatcher watcher = plan.dev() ? DevWatcher.start(container) : null;
        signals.awaitTermination();
        if (watcher != null) {
            watcher.close();
        }
        container.close();
        return CommandLine.ExitCode.OK;
    }

    private Plan plan() {
        PlanBuilder builder = new PlanBuilder();
        if (config != null) {
            builder.configFile(config);
        }
        wars.forEach(builder::war);
        statics.forEach(s -> builder.staticDir(s, browse));
        listens.forEach(builder::listen);
        httpsListens.forEach(builder::https);
        List<Path> pems = certs.stream().filter(c -> !CertSpec.looksLikePkcs12(c)).toList();
        if (pems.size() != keys.size()) {
            throw new ConfigError("each PEM --cert needs its --key (a PKCS#12 --cert needs none): got " + pems.size()
                    + " PEM --cert and " + keys.size() + " --key");
        }
        Optional<String> password = Optional.ofNullable(System.getenv(CERT_PASSWORD_ENV));
        int nextKey = 0;
        for (Path cert : certs) {
            builder.cert(cert, CertSpec.looksLikePkcs12(cert) ? null : keys.get(nextKey++), password);
        }
        if (state != null) {
            builder.stateDir(state);
        }
        domains.forEach(builder::domain);
        if (email != null) {
            builder.email(email);
        }
        if (users != null) {
            builder.users(users);
        }
        if (tlsProvider != null) {
            builder.tlsProvider(tlsProvider);
        }
        if (tlsProfile != null) {
            builder.tlsProfile(tlsProfile);
        }
        builder.dev(dev);
        builder.h2c(h2c);
        builder.migrate(!noMigrate);
        jobs.forEach(builder::job);
        if (admin != null) {
            builder.admin(admin);
        }
        if (logFormat != null) {
            builder.logFormat(logFormat);
        }
        String metricsToken = System.getenv(METRICS_TOKEN_ENV);
        if (metricsToken != null && !metricsToken.isEmpty()) {
            builder.metricsToken(metricsToken);
        }
        if (metrics != null) {
            builder.metrics(metrics);
        }
        return builder.build();
    }
}
