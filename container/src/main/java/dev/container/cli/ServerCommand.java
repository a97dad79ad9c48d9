package dev.container.cli;

import dev.container.admin.AdminClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A command that talks to the running server: picocli fills in how to find it
 * ({@link ServerOptions}), and {@link #run} does the work with a client once it is found. The
 * command's {@code @Command} methods (subcommands such as {@code jobs pause NAME}) take a
 * {@code @Mixin ServerOptions} of their own and print through this command's {@link #spec}.
 */
abstract class ServerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ServerOptions server;

    @Override
    public Integer call() {
        return server.call(spec, this::run);
    }

    /** The work, with the server found; returns the exit status. */
    abstract int run(AdminClient client, PrintWriter out);
}
