package dev.container.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.container.acme.StoredCertificates;
import dev.container.admin.AdminClient;
import dev.container.admin.ApiJson;
import dev.container.admin.Control;
import dev.container.config.ConfigError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code container certs}: the certificates a running server serves (files, the local CA's,
 * ACME's, with their renewal state), from its admin channel; without a running server, the ACME
 * certificates the state directory holds, read from disk (no CA asked). {@code certs renew NAME}
 * orders a new ACME certificate now.
 */
@Command(name = "certs",
        mixinStandardHelpOptions = true,
        description = {"Lists the certificates of the running container: name, source (files, local-ca, acme), issuer, "
                + "expiry, days left and state (for ACME: when it renews, or why renewing fails).",
                "With no server running, lists the ACME certificates stored in the state directory instead (read "
                        + "from disk: valid, renewal due, expired, unreadable)."},
        footer = {"", "Examples:", "  container certs --state /var/lib/container", "  container certs --config conf/container.conf",
                "  container certs renew example.com --state /var/lib/container"})
final class CertsCommand extends ServerCommand {

    /** Asks the server, and without one reads the state directory (so not {@link ServerOptions#call}). */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path stateDir;
        Optional<Duration> renewBefore;
        try {
            stateDir = server.stateDir();
            renewBefore = server.configPlan().flatMap(p -> p.acme().renewBefore());
        } catch (ConfigError e) {
            e.problems().forEach(p -> err.println("container: " + p));
            return CommandLine.ExitCode.USAGE;
        }
        try {
            return run(AdminClient.forStateDir(stateDir), out);
        } catch (AdminClient.NotRunning e) {
            return stored(out, err, stateDir, renewBefore);
        } catch (AdminClient.AdminException e) {
            err.println("container: " + e.getMessage());
            return 1;
        }
    }

    @Override
    int run(AdminClient client, PrintWriter out) {
        JsonNode answer = client.get("certificates");
        if (!server.printedJson(out, answer)) {
            printServed(out, answer.path("certificates"));
        }
        return 0;
    }

    private static void printServed(PrintWriter out, JsonNode certificates) {
        if (certificates.isEmpty()) {
            out.println("no certificates (the server serves no HTTPS)");
            return;
        }
        Table table = new Table("NAME", "SOURCE", "ISSUER", "NOT AFTER", "DAYS LEFT", "STATE");
        for (JsonNode c : certificates) {
            table.row(name(c), c.path("source").asText(), c.path("issuer").asText("-"), Table.time(c.path("notAfter")),
                    c.path("daysLeft").isNumber() ? c.path("daysLeft").asLong() : "-", state(c));
        }
        table.print(out);
    }

    private static String name(JsonNode c) {
        int others = c.path("names").size() - 1;
        return c.path("name").asText() + (others > 0 ? " (+" + others + ")" : "");
    }

    /** The state as people read it, with what the ACME maintenance knows. */
    private static String state(JsonNode c) {
        JsonNode acme = c.path("acme");
        String state = c.path("state").asText().replace('-', ' ');
        if (acme.path("lastError").isTextual()) {
            return state + ": " + acme.path("lastError").asText() + " (attempt " + acme.path("failures").asInt()
                    + ", next at " + Table.time(acme.path("nextAttempt")) + ")";
        }
        if (acme.path("renewRequested").asBoolean()) {
            return state + ", renewal asked for";
        }
        if (acme.path("renewAt").isTextual() && state.equals("valid")) {
            return "valid, renews at " + Table.time(acme.path("renewAt"));
        }
        return state;
    }

    /** Without a server: the ACME certificates stored in the state directory. */
    private int stored(PrintWriter out, PrintWriter err, Path stateDir, Optional<Duration> renewBefore) {
        List<StoredCertificates.Entry> entries;
        try {
            entries = StoredCertificates.list(stateDir, renewBefore, Instant.now());
        } catch (IOException e) {
            err.println("container: cannot read " + stateDir + ": " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        if (server.json) {
            Instant now = Instant.now();
            List<Map<String, Object>> all = entries.stream().map(e -> {
                Map<String, Object> json = new java.util.LinkedHashMap<>(ApiJson.certificate(new Control.CertificateView(
                        e.host(), e.names(), e.issuer(), Optional.empty(), Optional.ofNullable(e.notAfter()),
                        Control.CertificateSource.ACME, List.of(e.file()), Optional.empty()), now));
                json.put("state", e.state().startsWith("unreadable") ? "unreadable" : e.state().replace(' ', '-'));
                return json;
            }).toList();
            out.println(ServerOptions.pretty(ServerOptions.json().valueToTree(Map.of("certificates", all))));
            return CommandLine.ExitCode.OK;
        }
        out.println("no running container found; the ACME certificates stored in "
                + stateDir.toAbsolutePath().normalize() + ":");
        if (entries.isEmpty()) {
            out.println("none");
            return CommandLine.ExitCode.OK;
        }
        Table table = new Table("NAME", "SOURCE", "ISSUER", "NOT AFTER", "DAYS LEFT", "STATE");
        Instant now = Instant.now();
        for (var e : entries) {
            String name = e.names().isEmpty() || e.names().equals(List.of(e.host())) ? e.host()
                    : e.host() + " (" + String.join(", ", e.names()) + ")";
            table.row(name, "acme", e.issuer().isEmpty() ? "-" : e.issuer(), e.notAfter(),
                    e.notAfter() == null ? "-" : Duration.between(now, e.notAfter()).toDays(), e.state());
        }
        table.print(out);
        return CommandLine.ExitCode.OK;
    }

    @Command(name = "renew", mixinStandardHelpOptions = true,
            description = {"Orders a new certificate for an ACME host now, whatever its expiry; returns at once "
                    + "(progress in the server log and in 'container certs')."})
    int renew(@Mixin ServerOptions options,
              @Parameters(paramLabel = "NAME", description = "A name of the certificate (or its host's id).") String name) {
        return options.call(spec, (client, out) -> {
            JsonNode answer = client.post("certificates/" + name + "/renew");
            if (!options.printedJson(out, answer)) {
                out.println(name + ": ordering a new certificate (see 'container certs' and the server log)");
            }
            return 0;
        });
    }
}
