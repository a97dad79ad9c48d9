package dev.container.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.container.admin.AdminClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code container status}: the running server at a glance (version, process, uptime, config,
 * readiness, listeners, counts, the last reload), from {@code GET /status} and
 * {@code GET /health/ready}.
 */
@Command(name = "status",
        mixinStandardHelpOptions = true,
        description = {"Shows the running container: version, pid, uptime, config file, whether it is ready, "
                + "listeners, apps, certificates, jobs, the last reload and the running services; for a node of a"
                + " cluster (storage { type = postgres }), the database and every node's heartbeat.",
                "Finds the server through STATE/admin.json (--state DIR, or the state-dir of --config FILE, default ./state)."},
        footer = {"", "Examples:", "  container status --config conf/demo.conf", "  container status --state state --json"})
final class StatusCommand extends ServerCommand {
    @Override
    int run(AdminClient client, PrintWriter out) {
        JsonNode status = client.get("status");
        if (!server.printedJson(out, status)) {
            print(out, status, readiness(client));
        }
        return 0;
    }

    /** "yes", or "no: " and the reasons. */
    private static String readiness(AdminClient client) {
        try {
            client.get("health/ready");
            return "yes";
        } catch (AdminClient.NotRunning e) {
            throw e;
        } catch (AdminClient.AdminException e) {
            List<String> reasons = e.list("reasons");
            return "no: " + (reasons.isEmpty() ? e.getMessage() : String.join("; ", reasons));
        }
    }

    private static void print(PrintWriter out, JsonNode s, String ready) {
        out.println("container " + s.path("version").asText() + ", pid " + s.path("pid").asLong() + ", up "
                + Table.span(Duration.ofSeconds(s.path("uptimeSeconds").asLong())) + " (since "
                + Table.time(s.path("startedAt")) + ")" + (s.path("draining").asBoolean() ? ", stopping" : ""));
        Table table = new Table("", "");
        table.row("config:", s.path("configFile").isTextual()
                ? s.path("configFile").asText() + " (generation " + s.path("generation").asLong() + ")" : "none (flags only)");
        table.row("state:", s.path("stateDir").asText());
        table.row("ready:", ready);
        List<String> listeners = new ArrayList<>();
        s.path("listeners").forEach(l -> listeners.add(l.path("url").asText() + " (" + Table.list(l.path("protocols")) + ")"));
        table.row("listeners:", listeners.isEmpty() ? "none" : String.join(", ", listeners));
        table.row("TLS:", s.path("tlsProvider").isTextual() ? s.path("tlsProvider").asText() : "none");
        List<String> states = new ArrayList<>();
        s.path("appStates").fields().forEachRemaining(e -> {
            if (e.getValue().asInt() > 0) {
                states.add(e.getValue().asInt() + " " + e.getKey());
            }
        });
        JsonNode counts = s.path("counts");
        table.row("apps:", counts.path("apps").asInt() + (states.isEmpty() ? "" : " (" + String.join(", ", states) + ")"));
        table.row("certificates:", counts.path("certificates").asInt());
        table.row("jobs:", counts.path("jobs").asInt());
        table.row("last reload:", lastReload(s.path("lastReload")));
        table.print(out);
        if (s.path("services").size() > 0) {
            out.println();
            Table services = new Table("SERVICE", "STATE", "DETAIL"); // in start order
            s.path("services").forEach(v -> services.row(v.path("name").asText(), v.path("state").asText(),
                    v.path("detail").asText()));
            services.print(out);
        }
        if (s.path("cluster").isObject()) {
            printCluster(out, s.path("cluster"));
        }
    }

    /** The shared storage and its nodes, this one marked; for a cluster node only. */
    private static void printCluster(PrintWriter out, JsonNode c) {
        out.println();
        String database = c.path("database").asText().equals("reachable") ? "reachable"
                : "UNREACHABLE since " + Table.time(c.path("since")) + (c.path("error").isTextual()
                ? " (" + c.path("error").asText() + ")" : "");
        out.println("storage: " + c.path("storage").asText() + " at " + c.path("url").asText() + ", schema version "
                + c.path("schemaVersion").asText() + ", database " + database);
        if (c.path("nodes").size() == 0) {
            return;
        }
        Table nodes = new Table("NODE", "HOST", "PID", "VERSION", "STARTED", "LAST SEEN", "STATE");
        c.path("nodes").forEach(n -> nodes.row(n.path("id").asText() + (n.path("self").asBoolean() ? " (this)" : ""),
                n.path("host").asText(), n.path("pid").asLong(), n.path("version").asText(), Table.time(n.path("startedAt")),
                Table.time(n.path("lastSeen")), n.path("state").asText()));
        nodes.print(out);
    }

    private static String lastReload(JsonNode r) {
        if (!r.isObject()) {
            return "none";
        }
        String when = " at " + Table.time(r.path("at"));
        if (!r.path("result").asText().equals("applied")) {
            int n = r.path("problems").size();
            return "refused" + when + ": " + n + (n == 1 ? " problem" : " problems") + " (the running configuration stayed)";
        }
        JsonNode apps = r.path("apps");
        return "applied" + when + " in " + r.path("tookMillis").asLong() + " ms: " + apps.path("started").size()
                + " app(s) started, " + apps.path("stopped").size() + " stopped, " + apps.path("unchanged").size()
                + " unchanged";
    }
}
