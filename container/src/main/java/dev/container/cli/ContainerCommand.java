package dev.container.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code container}: the top-level command; its subcommands do the work. */
@Command(name = "container",
        mixinStandardHelpOptions = true,
        versionProvider = ContainerCommand.Version.class,
        description = "Serves servlet apps (WARs) and static files from one process.",
        subcommands = {RunCommand.class, ValidateCommand.class, StatusCommand.class, AppsCommand.class,
                AppsCommand.Redeploy.class, ReloadCommand.class, StopCommand.class, JobsCommand.class, CertsCommand.class,
                DashboardCommand.class, HashPasswordCommand.class, CommandLine.HelpCommand.class})
public final class ContainerCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command line ready to execute, with one-line errors for bad flags (exit 2). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ContainerCommand());
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("container: " + e.getMessage());
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            return CommandLine.ExitCode.USAGE;
        });
        return cli;
    }

    /** The version baked into the jar at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"container " + dev.container.Version.number(),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
