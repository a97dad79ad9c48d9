package dev.container.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code container}: the top-level command; its subcommands do the work. */
@Command(name = "container",
        mixinStandardHelpOptions = true,
        versionProvider = ContainerCommand.Version.class,
        description = "Serves servlet apps (WARs) and static files from one process.")
public final class ContainerCommand implements Runnable {
    /** The subcommands, in the order the usage lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(RunCommand.class, ValidateCommand.class,
            StatusCommand.class, AppsCommand.class, AppsCommand.Redeploy.class, ReloadCommand.class, StopCommand.class,
            JobsCommand.class, CertsCommand.class, DashboardCommand.class, HashPasswordCommand.class,
            CommandLine.HelpCommand.class);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command line ready to execute, with one-line errors for bad flags (exit 2). */
    public static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS);
    }

    /**
     * The command line for these arguments: when the first names a subcommand (other than help),
     * only that one is built. picocli builds the model of every subcommand it is given, by
     * reflection, and the twelve cost some 20 MiB of garbage that a server started with `run`
     * would carry in its heap (docs/design.md, Start-up).
     */
    public static CommandLine commandLine(String... args) {
        if (args.length > 0) {
            for (Class<?> subcommand : SUBCOMMANDS) {
                Command command = subcommand.getAnnotation(Command.class);
                if (subcommand != CommandLine.HelpCommand.class && command.name().equals(args[0])) {
                    return commandLine(List.of(subcommand));
                }
            }
        }
        return commandLine(SUBCOMMANDS);
    }

    private static CommandLine commandLine(List<Class<?>> subcommands) {
        CommandLine cli = new CommandLine(new ContainerCommand());
        for (Class<?> subcommand : subcommands) {
            cli.addSubcommand(subcommand);
        }
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
