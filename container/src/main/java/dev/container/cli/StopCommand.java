package dev.container.cli;

import dev.container.admin.AdminClient;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code container stop}: the graceful stop of SIGTERM, through the admin channel: the server
 * stops accepting, finishes the requests it has (within its shutdown timeout) and exits 0. Waits
 * until its admin channel no longer answers.
 */
@Command(name = "stop",
        mixinStandardHelpOptions = true,
        description = {"Stops the running container as SIGTERM does: no new connections, the running requests "
                + "finish (within shutdown-timeout), then the process exits with status 0.",
                "Waits (up to --wait) until it has stopped."},
        footer = {"", "Examples:", "  container stop --config conf/container.conf", "  container stop --state state --wait 0s"})
final class StopCommand extends ServerCommand {
    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "2m", converter = ServerOptions.DurationConverter.class,
            description = "How long to wait for the server to stop; 0s returns at once. Default ${DEFAULT-VALUE}.")
    private Duration wait;

    @Override
    int run(AdminClient client, PrintWriter out) {
        String who = "the container at " + client.url() + (client.pid() > 0 ? " (pid " + client.pid() + ")" : "");
        boolean json = server.printedJson(out, client.post("stop"));
        if (!wait.isZero() && !ServerOptions.await(wait, () -> !client.answers())) {
            spec.commandLine().getErr().println("container: " + who + " is still stopping after " + Table.span(wait)
                    + " (its requests are draining)");
            return 1;
        }
        if (!json) {
            out.println(who + (wait.isZero() ? " is stopping" : " stopped"));
        }
        return 0;
    }
}
