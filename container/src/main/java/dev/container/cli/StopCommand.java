package dev.container.cli;

import dev.container.config.Durations;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
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
final class StopCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private ServerOptions server;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "2m",
            description = "How long to wait for the server to stop; 0s returns at once. Default ${DEFAULT-VALUE}.")
    private String wait;

    @Override
    public Integer call() {
        Duration limit = Durations.parse(wait).orElse(null);
        if (limit == null) {
            spec.commandLine().getErr().println("container: --wait " + wait + ": expected a duration such as 30s");
            return CommandLine.ExitCode.USAGE;
        }
        return server.call(spec, (client, out) -> {
            String who = "the container at " + client.url() + (client.pid() > 0 ? " (pid " + client.pid() + ")" : "");
            boolean json = server.printedJson(out, client.post("stop"));
            long deadline = System.nanoTime() + limit.toNanos();
            while (!limit.isZero() && client.answers()) {
                if (System.nanoTime() > deadline) {
                    spec.commandLine().getErr().println("container: " + who + " is still stopping after " + wait
                            + " (its requests are draining)");
                    return 1;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 1;
                }
            }
            if (json) {
                return 0;
            }
            if (limit.isZero()) {
                out.println(who + " is stopping");
                return 0;
            }
            out.println(who + " stopped");
            return 0;
        });
    }
}
