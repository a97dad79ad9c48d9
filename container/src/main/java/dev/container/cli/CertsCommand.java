package dev.container.cli;

import dev.container.acme.StoredCertificates;
import dev.container.config.ConfigError;
import dev.container.config.ConfigFile;
import dev.container.config.Plan;
import dev.container.config.PlanBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code container certs}: the ACME certificates stored in the state directory (host, issuer,
 * valid until, state), read from disk: it works with the server running or not, and asks no CA.
 */
@Command(name = "certs",
        mixinStandardHelpOptions = true,
        description = {"Lists the certificates obtained through ACME (hosts with tls = auto, --domain) that the "
                + "state directory holds: host, issuer, expiry and state (valid, renewal due, expired, unreadable).",
                "Reads files only; the server need not run."},
        footer = {"", "Examples:", "  container certs --state /var/lib/container", "  container certs --config conf/container.conf"})
final class CertsCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--state", paramLabel = "DIR", description = "The state directory. Default ./state.")
    private Path state;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Take the state directory (and acme.renew-before) from this config file.")
    private Path config;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path stateDir = state != null ? state : PlanBuilder.DEFAULT_STATE_DIR;
        Optional<Duration> renewBefore = Optional.empty();
        if (config != null) {
            try {
                Plan plan = ConfigFile.load(config);
                stateDir = state != null ? state : plan.stateDir();
                renewBefore = plan.acme().renewBefore();
            } catch (ConfigError e) {
                e.problems().forEach(p -> err.println("container: " + p));
                return CommandLine.ExitCode.USAGE;
            }
        }
        List<StoredCertificates.Entry> entries;
        try {
            entries = StoredCertificates.list(stateDir, renewBefore, Instant.now());
        } catch (IOException e) {
            err.println("container: cannot read " + stateDir + ": " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        if (entries.isEmpty()) {
            out.println("no ACME certificates in " + stateDir.toAbsolutePath().normalize());
            return CommandLine.ExitCode.OK;
        }
        print(out, entries);
        return CommandLine.ExitCode.OK;
    }

    static void print(PrintWriter out, List<StoredCertificates.Entry> entries) {
        String format = "%-30s %-34s %-22s %s%n";
        out.printf(format, "HOST", "ISSUER", "VALID UNTIL", "STATE");
        for (var e : entries) {
            String host = e.names().isEmpty() || e.names().equals(List.of(e.host())) ? e.host()
                    : e.host() + " (" + String.join(", ", e.names()) + ")";
            out.printf(format, host, e.issuer().isEmpty() ? "-" : e.issuer(),
                    e.notAfter() == null ? "-" : e.notAfter().toString(), e.state());
        }
    }
}
