package dev.container.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.container.admin.AdminClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code container jobs}: lists the scheduled jobs of a running server (through its admin
 * channel); {@code jobs show NAME} prints a job's latest runs, {@code jobs run NAME} runs it now,
 * {@code jobs pause NAME} and {@code jobs resume NAME} stop and restart its schedule.
 */
@Command(name = "jobs",
        mixinStandardHelpOptions = true,
        description = {"Lists the scheduled jobs of a running container: schedule, next run, last result.",
                "Finds the server through STATE/admin.json (--state DIR, or the state-dir of --config FILE, "
                        + "default ./state)."},
        footer = {"", "Examples:", "  container jobs --config conf/demo.conf", "  container jobs show clock --state state",
                "  container jobs run clock --state state", "  container jobs pause clock --state state"})
final class JobsCommand extends ServerCommand {
    @Override
    int run(AdminClient client, PrintWriter out) {
        JsonNode answer = client.get("jobs");
        if (server.printedJson(out, answer)) {
            return 0;
        }
        JsonNode jobs = answer.path("jobs");
        if (jobs.isEmpty()) {
            out.println("no jobs");
            return 0;
        }
        Table table = new Table("NAME", "SCHEDULE", "NEXT", "LAST");
        for (JsonNode job : jobs) {
            table.row(job.path("name").asText(), job.path("schedule").asText(), next(job),
                    job.path("runs").isEmpty() ? "never run" : summary(job.path("runs").get(0)));
        }
        table.print(out);
        return 0;
    }

    /** When the job runs next, as people read it: a time, "running now" or "paused". */
    private static String next(JsonNode job) {
        if (job.path("running").asBoolean()) {
            return "running now";
        }
        return job.path("paused").asBoolean() ? "paused" : Table.time(job.path("next"));
    }

    static String summary(JsonNode run) {
        return run.path("result").asText().replace('-', ' ') + " at " + Table.time(run.path("start"))
                + " in " + run.path("millis").asLong() + " ms: " + run.path("detail").asText()
                + (run.path("manual").asBoolean() ? " (by hand)" : "")
                + (run.path("node").isTextual() ? " on " + run.path("node").asText() : "");
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Prints a job's latest runs, newest first.")
    int show(@Mixin ServerOptions options, @Parameters(paramLabel = "NAME", description = "The job.") String name) {
        return options.call(spec, (client, out) -> {
            JsonNode job = client.get("jobs/" + name);
            if (options.printedJson(out, job)) {
                return 0;
            }
            out.println(job.path("name").asText() + ": " + job.path("schedule").asText() + ", "
                    + job.path("action").asText());
            out.println("next: " + next(job));
            for (JsonNode run : job.path("runs")) {
                out.println("  " + summary(run));
                run.path("output").asText().lines().forEach(l -> out.println("    | " + l));
            }
            return 0;
        });
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = {"Stops a job's schedule until 'jobs resume' (a run going on finishes; 'jobs run' still works).",
                    "A restart, or a reload that changes the job, puts it back on its schedule."})
    int pause(@Mixin ServerOptions options, @Parameters(paramLabel = "NAME", description = "The job.") String name) {
        return schedule(options, name, "pause");
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Puts a paused job back on its schedule (runs missed meanwhile are skipped).")
    int resume(@Mixin ServerOptions options, @Parameters(paramLabel = "NAME", description = "The job.") String name) {
        return schedule(options, name, "resume");
    }

    private int schedule(ServerOptions options, String name, String action) {
        return options.call(spec, (client, out) -> {
            JsonNode job = client.post("jobs/" + name + "/" + action);
            if (!options.printedJson(out, job)) {
                out.println(name + ": " + (job.path("paused").asBoolean() ? "paused" : "next run " + next(job)));
            }
            return 0;
        });
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Runs a job now, beside its schedule, and waits for the run to end (up to --wait)."})
    int runNow(@Mixin ServerOptions options, @Parameters(paramLabel = "NAME", description = "The job.") String name,
               @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "60s",
                       converter = ServerOptions.DurationConverter.class,
                       description = "How long to wait for the run's result; 0s returns at once. Default ${DEFAULT-VALUE}.")
               Duration wait) {
        return options.call(spec, (client, out) -> {
            Instant asked = Instant.now().minusMillis(1);
            JsonNode started = client.post("jobs/" + name + "/run");
            if (wait.isZero()) {
                if (!options.printedJson(out, started)) {
                    out.println(name + ": started");
                }
                return 0;
            }
            AtomicReference<JsonNode> ended = new AtomicReference<>();
            ServerOptions.await(wait, () -> {
                for (JsonNode run : client.get("jobs/" + name).path("runs")) {
                    if (run.path("manual").asBoolean() && !Instant.parse(run.path("start").asText()).isBefore(asked)) {
                        ended.set(run);
                        return true;
                    }
                }
                return false;
            });
            JsonNode run = ended.get();
            if (run == null) {
                out.println(name + ": started; no result within " + Table.span(wait) + " (see: container jobs show "
                        + name + ")");
                return 0;
            }
            if (!options.printedJson(out, run)) {
                out.println(name + ": " + summary(run));
                run.path("output").asText().lines().forEach(l -> out.println("  | " + l));
            }
            return run.path("result").asText().equals("ok") ? 0 : 1;
        });
    }
}
