package dev.container.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.container.admin.AdminClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * {@code container dashboard}: prints a new one-time login link to the running server's dashboard
 * (the page at its admin channel's {@code /}), made with the token of {@code STATE/admin.json}:
 * for when the link of the start-up log is spent or expired.
 */
@Command(name = "dashboard",
        mixinStandardHelpOptions = true,
        description = {"Prints a new login link to the running container's dashboard: open it in a browser on this "
                + "machine. It works once, within 10 minutes; the browser then stays logged in (a cookie)."},
        footer = {"", "Examples:", "  container dashboard --config conf/demo.conf", "  container dashboard --state state"})
final class DashboardCommand extends ServerCommand {
    @Override
    int run(AdminClient client, PrintWriter out) {
        JsonNode link = client.post("dashboard/link");
        if (!server.printedJson(out, link)) {
            out.println(link.path("url").asText());
        }
        return 0;
    }
}
