package dev.container.cli;

import dev.container.config.ConfigError;
import dev.container.config.ConfigFile;
import dev.container.config.Plan;
import dev.container.tls.CertificateCheck;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code container validate FILE}: checks a config file as {@code run --config} would, without
 * starting anything. Prints every problem as {@code FILE:LINE: key: what was expected} and exits
 * 2, or prints a one-line summary and exits 0.
 */
@Command(name = "validate",
        mixinStandardHelpOptions = true,
        description = {"Checks a config file and reports every problem in it, each with its file and line.",
                "Exit status 0 when the file is valid, 2 when it is not. Nothing is started."},
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
        spec.commandLine().getOut().println(file + ": ok: " + count(plan.hosts().size(), "host") + ", "
                + count(plan.apps().size(), "app") + ", " + count(plan.statics().size(), "static mount") + ", "
                + count(plan.listeners().size(), "listener")
                + (plan.certs().isEmpty() ? "" : ", " + count(plan.certs().size(), "certificate"))
                + (plan.jobs().isEmpty() ? "" : ", " + count(plan.jobs().size(), "job")));
        return CommandLine.ExitCode.OK;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
