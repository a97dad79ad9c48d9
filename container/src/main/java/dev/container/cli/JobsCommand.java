package dev.container.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.container.admin.AdminClient;
import dev.container.config.ConfigError;
import dev.container.config.ConfigFile;
import dev.container.config.PlanBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code container jobs}: lists the scheduled jobs of a running server (through its admin
 * channel); {@code jobs show NAME} prints a job's latest runs, {@code jobs run NAME} runs it now.
 * The server is found through the state directory ({@code --state}, or the one a {@code --config}
 * file names, or ./state).
 */
@Command(name = "jobs",
        mixinStandardHelpOptions = true,
        description = {"Lists the scheduled jobs of a running container: schedule, next run, last result.",
                "Finds the server through STATE/admin.json (--state DIR, or the state-dir of --config FILE, "
                        + "default ./state)."},
        subcommands = {JobsCommand.Show.class, JobsCommand.Run.class},
        footer = {"", "Examples:", "  container jobs --config conf/demo.conf", "  container jobs show clock --state state",
                "  container jobs run clock --state state"})
final class JobsCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private Server server;

    @Override
    public Integer call() {
        return server.call(spec, client -> {
            PrintWriter out = spec.commandLine().getOut();
            JsonNode jobs = client.get("jobs").path("jobs");
            if (jobs.isEmpty()) {
                out.println("no jobs");
                return;
            }
            out.printf("%-16s %-22s %-22s %s%n", "NAME", "SCHEDULE", "NEXT", "LAST");
            for (JsonNode job : jobs) {
                out.printf("%-16s %-22s %-22s %s%n", job.path("name").asText(), job.path("schedule").asText(),
                        job.path("running").asBoolean() ? "running now" : time(job.path("next")),
                        job.path("runs").isEmpty() ? "never run" : summary(job.path("runs").get(0)));
            }
        });
    }

    /** An ISO-8601 instant to the second, as people read it: 2026-12-02T00:47:34Z. */
    static String time(JsonNode instant) {
        if (!instant.isTextual()) {
            return "-";
        }
        try {
            return Instant.parse(instant.asText()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        } catch (java.time.format.DateTimeParseException e) {
            return instant.asText();
        }
    }

    static String summary(JsonNode run) {
        return run.path("result").asText().replace('-', ' ') + " at " + time(run.path("start"))
                + " in " + run.path("millis").asLong() + " ms: " + run.path("detail").asText()
                + (run.path("manual").asBoolean() ? " (by hand)" : "");
    }

    /** How to find the running server: --state or --config. */
    static final class Server {
        @Option(names = "--state", paramLabel = "DIR", description = "The running server's state directory (default ./state).")
        Path state;

        @Option(names = "--config", paramLabel = "FILE", description = "The config file the server runs: its state-dir.")
        Path config;

        Path stateDir() {
            if (state != null) {
                return state;
            }
            if (config != null) {
                return ConfigFile.load(config).stateDir();
            }
            return PlanBuilder.DEFAULT_STATE_DIR;
        }

        int call(CommandLine.Model.CommandSpec spec, java.util.function.Consumer<AdminClient> action) {
            var err = spec.commandLine().getErr();
            try {
                action.accept(AdminClient.forStateDir(stateDir()));
                return CommandLine.ExitCode.OK;
            } catch (ConfigError e) {
                e.problems().forEach(p -> err.println("container: " + p));
                return CommandLine.ExitCode.USAGE;
            } catch (AdminClient.AdminException e) {
                err.println("container: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Prints a job's latest runs, newest first.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        private Server server;

        @Parameters(paramLabel = "NAME", description = "The job.")
        private String name;

        @Override
        public Integer call() {
            return server.call(spec, client -> {
                PrintWriter out = spec.commandLine().getOut();
                JsonNode job = client.get("jobs/" + name);
                out.println(job.path("name").asText() + ": " + job.path("schedule").asText() + ", " + job.path("action").asText());
                out.println("next: " + (job.path("running").asBoolean() ? "running now" : time(job.path("next"))));
                for (JsonNode run : job.path("runs")) {
                    out.println("  " + summary(run));
                    String output = run.path("output").asText();
                    if (!output.isBlank()) {
                        output.lines().forEach(l -> out.println("    | " + l));
                    }
                }
            });
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Runs a job now, beside its schedule, and waits for the run to end (up to --wait)."})
    static final class Run implements Callable<Integer> {
        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        private Server server;

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
            int[] status = {CommandLine.ExitCode.OK};
            int code = server.call(spec, client -> {
                Instant asked = Instant.now().minusMillis(1);
                client.post("jobs/" + name + "/run");
                PrintWriter out = spec.commandLine().getOut();
                if (limit.isZero()) {
                    out.println(name + ": started");
                    return;
                }
                long deadline = System.nanoTime() + limit.toNanos();
                while (System.nanoTime() < deadline) {
                    for (JsonNode run : client.get("jobs/" + name).path("runs")) {
                        if (run.path("manual").asBoolean() && !Instant.parse(run.path("start").asText()).isBefore(asked)) {
                            out.println(name + ": " + summary(run));
                            run.path("output").asText().lines().forEach(l -> out.println("  | " + l));
                            status[0] = run.path("result").asText().equals("ok") ? 0 : 1;
                            return;
                        }
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                out.println(name + ": started; no result within " + wait + " (see: container jobs show " + name + ")");
            });
            return code != 0 ? code : status[0];
        }
    }
}
