package dev.container.cli;

import dev.container.config.ConfigError;
import dev.container.config.ConfigFile;
import dev.container.acme.StoredCertificates;
import dev.container.config.HostSpec;
import dev.container.config.ListenerSpec;
import dev.container.config.Plan;
import dev.container.tls.CertificateCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.stream.Collectors;
import dev.container.config.StorageSpec;
import dev.container.storage.StorageCheck;
import dev.container.storage.StorageException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code container validate FILE}: checks a config file as {@code run --config} would, without
 * starting anything. Prints every problem as {@code FILE:LINE: key: what was expected} and exits
 * 2, or prints a one-line summary and exits 0. With {@code storage { type = postgres }} it also
 * connects to the database and says its schema version, or exactly why it cannot (exit 2).
 */
@Command(name = "validate",
        mixinStandardHelpOptions = true,
        description = {"Checks a config file and reports every problem in it, each with its file and line.",
                "Exit status 0 when the file is valid, 2 when it is not. Nothing is started.",
                "With storage { type = postgres }, also connects to the database and reports its schema version,"
                        + " or why it cannot connect."},
        footer = {"", "Example:", "  container validate conf/container.conf"})
final class ValidateCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The config file (HOCON).")
    private Path file;

    @Override
    public Integer call() {
        Plan plan;
        try {
            plan = ConfigFile.load(file);
        } catch (ConfigError e) {
            var err = spec.commandLine().getErr();
            e.problems().forEach(err::println);
            err.println(e.problems().size() == 1 ? "1 problem" : e.problems().size() + " problems");
            return CommandLine.ExitCode.USAGE;
        }
        List<String> certificates = CertificateCheck.check(plan, Instant.now()).all();
        if (!certificates.isEmpty()) {
            var err = spec.commandLine().getErr();
            certificates.forEach(p -> err.println(file + ": certificates: " + p));
            err.println(certificates.size() == 1 ? "1 problem" : certificates.size() + " problems");
            return CommandLine.ExitCode.USAGE;
        }
        Optional<String> storage = Optional.empty();
        if (plan.storage() instanceof StorageSpec.InPostgres shared) {
            try {
                storage = Optional.of(StorageCheck.check(shared));
            } catch (StorageException e) {
                // the server would not start: a problem, not a warning
                var err = spec.commandLine().getErr();
                err.println(file + ": storage: " + e.getMessage());
                err.println("1 problem");
                return CommandLine.ExitCode.USAGE;
            }
        }
        spec.commandLine().getOut().println(file + ": ok: " + count(plan.hosts().size(), "host") + ", "
                + count(plan.apps().size(), "app") + ", " + count(plan.statics().size(), "static mount") + ", "
                + count(plan.listeners().size(), "listener")
                + (plan.certs().isEmpty() ? "" : ", " + count(plan.certs().size(), "certificate"))
                + (plan.jobs().isEmpty() ? "" : ", " + count(plan.jobs().size(), "job")));
        if (!plan.autoTlsHosts().isEmpty()) {
            checkAcme(plan, spec.commandLine().getOut());
        }
        storage.ifPresent(spec.commandLine().getOut()::println);
        return CommandLine.ExitCode.OK;
    }

    /**
     * For hosts with tls = auto, what the CA will need and the file cannot say: each name
     * resolves, each listener's port can be bound here; and the certificates already stored,
     * with their issuers. Warnings, not problems: DNS may be switched over after the check.
     */
    private static void checkAcme(Plan plan, java.io.PrintWriter out) {
        for (HostSpec host : plan.autoTlsHosts()) {
            for (String name : host.names()) {
                try {
                    var addresses = InetAddress.getAllByName(name);
                    out.println("acme: " + name + " resolves to " + java.util.Arrays.stream(addresses)
                            .map(InetAddress::getHostAddress).distinct().collect(Collectors.joining(", ")));
                } catch (UnknownHostException e) {
                    out.println("warning: acme: " + name + " (host " + host.id() + ") does not resolve: the CA cannot"
                            + " reach this server for it; point its DNS A/AAAA records here");
                }
            }
        }
        for (ListenerSpec listener : plan.listeners()) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(listener.host()), listener.port()));
            } catch (IOException e) {
                out.println("warning: acme: cannot bind " + listener.authority(listener.port()) + " here (" + e.getMessage()
                        + ")" + (listener.port() < 1024 ? ": ports below 1024 need root or CAP_NET_BIND_SERVICE" : "")
                        + "; fine if the server is running on it now");
            }
        }
        try {
            for (var stored : StoredCertificates.list(plan.stateDir(), plan.acme().renewBefore(), Instant.now())) {
                out.println("acme: stored certificate " + stored.host() + ": " + (stored.notAfter() == null ? stored.state()
                        : "issued by " + stored.issuer() + ", valid until " + stored.notAfter() + " (" + stored.state() + ")"));
            }
        } catch (IOException e) {
            out.println("warning: acme: cannot read the stored certificates in " + plan.stateDir() + ": " + e.getMessage());
        }
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
