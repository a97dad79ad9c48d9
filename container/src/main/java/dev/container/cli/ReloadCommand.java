package dev.container.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.container.admin.AdminClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code container reload}: what SIGHUP does, through the admin channel, with the answer here:
 * what changed, or every problem of the file as {@code container validate} prints them (exit 2,
 * the running configuration untouched).
 */
@Command(name = "reload",
        mixinStandardHelpOptions = true,
        description = {"Makes the running container read its config file (and flags) again and apply what changed, "
                + "as SIGHUP does, and prints what changed: apps started, stopped and unchanged, listeners, jobs.",
                "A file with problems is refused: each is printed as 'container validate' prints it, the running "
                        + "configuration stays, and the exit status is 2."},
        footer = {"", "Examples:", "  container reload --config conf/container.conf", "  container reload --state state --json"})
final class ReloadCommand extends ServerCommand {
    @Override
    int run(AdminClient client, PrintWriter out) {
        JsonNode answer;
        try {
            answer = client.post("reload");
        } catch (AdminClient.AdminException e) {
            if (e.type().filter("config-invalid"::equals).isEmpty()) {
                throw e;
            }
            if (server.json) {
                out.println(ServerOptions.pretty(e.problem()));
            }
            PrintWriter err = spec.commandLine().getErr();
            List<String> problems = e.list("problems");
            problems.forEach(err::println);
            err.println(problems.size() == 1 ? "1 problem" : problems.size() + " problems");
            err.println("container: reload refused; the running configuration stays");
            return CommandLine.ExitCode.USAGE;
        }
        if (!server.printedJson(out, answer)) {
            print(out, answer);
        }
        return 0;
    }

    private static void print(PrintWriter out, JsonNode r) {
        out.println("reloaded in " + r.path("tookMillis").asLong() + " ms");
        JsonNode apps = r.path("apps");
        Table table = new Table("", "");
        table.row("apps started:", Table.list(apps.path("started")));
        if (!apps.path("failed").isEmpty()) {
            table.row("failed to start:", Table.list(apps.path("failed")) + " (answering 503; see the log)");
        }
        table.row("apps stopped:", Table.list(apps.path("stopped")));
        table.row("unchanged:", Table.list(apps.path("unchanged")));
        JsonNode listeners = r.path("listeners");
        if (!listeners.path("opened").isEmpty() || !listeners.path("closed").isEmpty()) {
            table.row("listening on:", Table.list(listeners.path("opened")));
            table.row("no longer on:", Table.list(listeners.path("closed")));
        }
        if (!listeners.path("problems").isEmpty()) {
            table.row("not opened:", Table.list(listeners.path("problems")));
        }
        JsonNode jobs = r.path("jobs");
        if (!jobs.path("added").isEmpty() || !jobs.path("removed").isEmpty() || !jobs.path("changed").isEmpty()) {
            table.row("jobs added:", Table.list(jobs.path("added")));
            table.row("jobs removed:", Table.list(jobs.path("removed")));
            table.row("jobs changed:", Table.list(jobs.path("changed")));
        }
        if (!r.path("restartNeeded").isEmpty()) {
            table.row("at next start:", Table.list(r.path("restartNeeded")) + " (changed; a reload cannot apply them)");
        }
        table.print(out);
    }
}
