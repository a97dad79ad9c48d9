package dev.container.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.container.admin.AdminClient;
import dev.container.admin.AppRef;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code container apps}: the running server's apps with their state and the requests of each;
 * {@code apps stop APP} and {@code apps start APP} stop and start one. {@code container redeploy}
 * ({@link Redeploy}) deploys one again.
 */
@Command(name = "apps",
        mixinStandardHelpOptions = true,
        description = {"Lists the apps of the running container: state, requests (total, 4xx, 5xx, in flight), "
                + "mean and 99th-percentile latency over the last minute, and the source (or why it failed).",
                "Finds the server through STATE/admin.json (--state DIR, or the state-dir of --config FILE, default ./state)."},
        footer = {"", "Examples:", "  container apps --config conf/demo.conf", "  container apps stop /shop --state state",
                "  container apps start main:/shop --state state"})
final class AppsCommand extends ServerCommand {
    private static final String APP = "PATH (an app of the default host) or HOST:PATH, e.g. /shop or main:/shop.";

    @Override
    int run(AdminClient client, PrintWriter out) {
        JsonNode answer = client.get("apps");
        if (server.printedJson(out, answer)) {
            return 0;
        }
        if (answer.path("apps").isEmpty()) {
            out.println("no apps");
            return 0;
        }
        Table table = new Table("APP", "STATE", "REQUESTS", "4XX", "5XX", "IN FLIGHT", "MEAN", "P99", "SOURCE");
        for (JsonNode app : answer.path("apps")) {
            JsonNode requests = app.path("requests");
            JsonNode latency = app.path("latency");
            boolean failed = app.path("state").asText().equals("failed");
            boolean lazy = app.path("state").asText().equals("lazy");
            table.row(app.path("name").asText(), app.path("state").asText(), requests.path("total").asLong(),
                    requests.path("4xx").asLong(), requests.path("5xx").asLong(), requests.path("inFlight").asLong(),
                    latency(latency, "meanMillis"), latency(latency, "p99Millis"),
                    failed ? "failed: " + app.path("reason").asText()
                            : app.path("source").asText() + (lazy ? " (not started yet: starts on its first request)" : ""));
        }
        table.print(out);
        return 0;
    }

    /** A latency of the last minute; "-" when the app had no request in it. */
    private static String latency(JsonNode latency, String which) {
        return latency.path("count").asLong() == 0 ? "-" : Table.millis(latency.path(which));
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = {"Stops an app once its running requests are done; its path answers 503 until 'apps start'.",
                    "It stays stopped through reloads that leave it as configured; a restart starts it."})
    int stop(@Mixin ServerOptions options, @Parameters(paramLabel = "APP", description = APP) String app) {
        return options.call(spec, act(spec, options, app, "stop"));
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Starts a stopped or failed app.")
    int start(@Mixin ServerOptions options, @Parameters(paramLabel = "APP", description = APP) String app) {
        return options.call(spec, act(spec, options, app, "start"));
    }

    /** POSTs action to the app named as people write it, and prints the app as it is afterwards. */
    static ServerOptions.Work act(CommandLine.Model.CommandSpec spec, ServerOptions options, String app, String action) {
        return (client, out) -> {
            AppRef ref;
            try {
                ref = AppRef.parse(app);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("container: " + e.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            JsonNode answer = client.post(ref.apiPath() + "/" + action);
            if (!options.printedJson(out, answer)) {
                printApp(out, answer);
            }
            return 0;
        };
    }

    /** An app as an action left it: "main:/shop: running since ..., started in 412 ms". */
    private static void printApp(PrintWriter out, JsonNode app) {
        String state = app.path("state").asText();
        StringBuilder line = new StringBuilder(app.path("name").asText()).append(": ").append(state);
        if (state.equals("running")) {
            line.append(" since ").append(Table.time(app.path("startedAt")));
            if (app.path("deployMillis").isNumber()) {
                line.append(", started in ").append(app.path("deployMillis").asLong()).append(" ms");
            }
        } else if (state.equals("failed")) {
            line.append(": ").append(app.path("reason").asText());
        } else if (state.equals("lazy")) {
            line.append(": not started yet (start = lazy: its first request starts it)");
        }
        out.println(line);
    }

    @Command(name = "redeploy", mixinStandardHelpOptions = true,
            description = {"Deploys an app again from its WAR or directory, beside the running version, and swaps it in "
                    + "without failing a request; the old version stops once its requests are done.",
                    "If the new version does not start, the running one stays (exit status 1)."},
            footer = {"", "Examples:", "  container redeploy /shop --config conf/container.conf",
                    "  container redeploy main:/ --state state"})
    static final class Redeploy extends ServerCommand {
        @Parameters(paramLabel = "APP", description = APP)
        private String app;

        @Override
        int run(AdminClient client, PrintWriter out) {
            return act(spec, server, app, "redeploy").run(client, out);
        }
    }
}
