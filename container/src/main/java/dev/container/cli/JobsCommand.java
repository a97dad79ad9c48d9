package dev.container.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.container.admin.AdminClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code container jobs}: lists the scheduled jobs of a running server (through its admin
 * channel); {@code jobs show NAME} prints a job's latest runs, {@code jobs run NAME} runs it now,
 * {@code jobs pause NAME} and {@code jobs resume NAME} stop and restart its schedule. The server
 * is found as {@link ServerOptions} says.
 */
@Command(name = "jobs",
        mixinStandardHelpOptions = true,
        description = {"Lists the scheduled jobs of a running container: schedule, next run, last result.",
                "Finds the server through STATE/admin.json (--state DIR, or the state-dir of --config FILE, "
                        + "default ./state)."},
        subcommands = {JobsCommand.Show.class, JobsCommand.Run.class, JobsCommand.Pause.class, JobsCommand.Resume.class},
        footer = {"", "Examples:", "  container jobs --config conf/demo.conf", "  container jobs show clock --state state",
                "  container jobs run clock --state state", "  container jobs pause clock --state state"})
final class JobsCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private ServerOptions server;

    @Override
    public Integer call() {
        return server.call(spec, (client, out) -> {
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
        });
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
                + (run.path("manual").asBoolean() ? " (by hand)" : "");
    }

    /** A job's schedule, next run and latest runs. */
    private static void show(PrintWriter out, JsonNode job) {
        out.println(job.path("name").asText() + ": " + job.path("schedule").asText() + ", " + job.path("action").asText());
        out.println("next: " + next(job));
        for (JsonNode run : job.path("runs")) {
            out.println("  " + summary(run));
            String output = run.path("output").asText();
            if (!output.isBlank()) {
                output.lines().forEach(l -> out.println("    | " + l));
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Prints a job's latest runs, newest first.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        private ServerOptions server;

        @Parameters(paramLabel = "NAME", description = "The job.")
        private String name;

        @Override
        public Integer call() {
            return server.call(spec, (client, out) -> {
                JsonNode job = client.get("jobs/" + name);
                if (!server.printedJson(out, job)) {
                    show(out, job);
                }
                return 0;
            });
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = {"Stops a job's schedule until 'jobs resume' (a run going on finishes; 'jobs run' still works).",
                    "A restart, or a reload that changes the job, puts it back on its schedule."})
    static final class Pause implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        private ServerOptions server;

        @Parameters(paramLabel = "NAME", description = "The job.")
        private String name;

        @Override
        public Integer call() {
            return schedule(spec, server, name, "pause");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Puts a paused job back on its schedule (runs missed meanwhile are skipped).")
    static final class Resume implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        private ServerOptions server;

        @Parameters(paramLabel = "NAME", description = "The job.")
        private String name;

        @Override
        public Integer call() {
            return schedule(spec, server, name, "resume");
        }
    }

    private static int schedule(CommandLine.Model.CommandSpec spec, ServerOptions server, String name, String action) {
        return server.call(spec, (client, out) -> {
            JsonNode job = client.post("jobs/" + name + "/" + action);
            if (!server.printedJson(out, job)) {
                out.println(name + ": " + (job.path("paused").asBoolean() ? "paused" : "next run " + next(job)));
            }
            return 0;
        });
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Runs a job now, beside its schedule, and waits for the run to end (up to --wait)."})
    static final class Run implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        private ServerOptions server;

        @Parameters(paramLabel = "NAME", description = "The job.")
        private String name;

        @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "60s",
                description = "How long to wait for the run's result; 0s returns at once. Default ${DEFAULT-VALUE}.")
        private String wait;

        @Override
        public Integer call() {
            Duration limit = dev.container.config.Durations.parse(wait).orElse(null);
            if (limit == null) {
                spec.commandLine().getErr().println("container: --wait " + wait + ": expected a duration such as 30s");
                return CommandLine.ExitCode.USAGE;
            }
            return server.call(spec, (client, out) -> {
                Instant asked = Instant.now().minusMillis(1);
                JsonNode started = client.post("jobs/" + name + "/run");
                if (limit.isZero()) {
                    if (!server.printedJson(out, started)) {
                        out.println(name + ": started");
                    }
                    return 0;
                }
                JsonNode run = awaitRun(client, asked, limit);
                if (run == null) {
                    out.println(name + ": started; no result within " + wait + " (see: container jobs show " + name + ")");
                    return 0;
                }
                if (!server.printedJson(out, run)) {
                    out.println(name + ": " + summary(run));
                    run.path("output").asText().lines().forEach(l -> out.println("  | " + l));
                }
                return run.path("result").asText().equals("ok") ? 0 : 1;
            });
        }

        /** The run by hand that started after asked, once it has ended; null if none did within limit. */
        private JsonNode awaitRun(AdminClient client, Instant asked, Duration limit) {
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < deadline) {
                for (JsonNode run : client.get("jobs/" + name).path("runs")) {
                    if (run.path("manual").asBoolean() && !Instant.parse(run.path("start").asText()).isBefore(asked)) {
                        return run;
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return null;
        }
    }
}
