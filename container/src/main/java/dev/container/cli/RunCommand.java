package dev.container.cli;

import dev.container.Container;
import dev.container.DevWatcher;
import dev.container.StartupError;
import dev.container.config.ConfigError;
import dev.container.config.Plan;
import dev.container.config.PlanBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                "  container run --war app.war --static ./public --domain example.com --email me@example.com"})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("container");

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
                    + "lines 'name = password, role1, role2', '#' comments. A password is plain text or "
                    + "{SHA-256}SALT$HEX (hex of SHA-256 over SALT followed by the password). "
                    + "Without it every login fails.")
    private Path users;

    @Option(names = "--state", paramLabel = "DIR",
            description = "Where unpacked WARs and other state live. Default ./state.")
    private Path state;

    @Option(names = "--https", paramLabel = "[HOST]:PORT",
            description = "Address to serve HTTPS on (repeatable): TLS 1.2/1.3 through Conscrypt (BoringSSL), "
                    + "HTTP/2 by ALPN, HTTP/1.1 for clients without it. Needs --cert and --key.")
    private List<String> httpsListens = new ArrayList<>();

    @Option(names = "--cert", paramLabel = "FILE",
            description = "A PEM certificate chain, leaf first (repeatable, paired with --key in order); "
                    + "the names it covers select it by SNI, the first one is the default.")
    private List<Path> certs = new ArrayList<>();

    @Option(names = "--key", paramLabel = "FILE",
            description = "The PEM private key of the --cert at the same position (PKCS#8, RSA or EC).")
    private List<Path> keys = new ArrayList<>();

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
            container = Container.start(plan);
        } catch (StartupError e) {
            err.println("container: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        signals.onHangup(() -> reload(container));
        DevWatcher watcher = plan.dev() ? DevWatcher.start(container) : null;
        signals.awaitTermination();
        if (watcher != null) {
            watcher.close();
        }
        container.close();
        return CommandLine.ExitCode.OK;
    }

    /**
     * SIGHUP: reads the config file and the flags again, as at start; a valid result replaces
     * the running plan, an invalid one is logged problem by problem and changes nothing.
     */
    private void reload(Container container) {
        if (config == null) {
            log.warn("SIGHUP: nothing to reload (no --config file)");
            return;
        }
        Plan next;
        try {
            next = plan();
        } catch (ConfigError e) {
            log.error("reload of {} refused, the running configuration stays:", config);
            e.problems().forEach(p -> log.error("  {}", p));
            return;
        }
        log.info("reloading {}", config);
        container.reload(next);
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
        if (certs.size() != keys.size()) {
            throw new ConfigError("--cert and --key come in pairs: got " + certs.size() + " --cert and "
                    + keys.size() + " --key");
        }
        for (int i = 0; i < certs.size(); i++) {
            builder.cert(certs.get(i), keys.get(i));
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
        builder.dev(dev);
        return builder.build();
    }
}
