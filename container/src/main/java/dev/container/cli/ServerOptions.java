package dev.container.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.container.admin.AdminClient;
import dev.container.config.ConfigError;
import dev.container.config.ConfigFile;
import dev.container.config.Plan;
import dev.container.config.PlanBuilder;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How a command finds the running server, shared by every command that talks to it: through
 * {@code STATE/admin.json} of {@code --state DIR}, or of the state directory a {@code --config}
 * file names, or of ./state; and {@code --json} for scripts. {@link #call} runs the command's work
 * and turns failures into one line and an exit status: 1 when no server answers (saying where it
 * looked) or the server refused, 2 for a bad --config file. Used as a picocli mixin.
 */
final class ServerOptions {
    @Option(names = "--state", paramLabel = "DIR", description = "The running server's state directory (default ./state).")
    Path state;

    @Option(names = "--config", paramLabel = "FILE", description = "The config file the server runs: its state-dir.")
    Path config;

    @Option(names = "--json", description = "Print the server's answer as JSON (the control API's, for scripts).")
    boolean json;

    /** What a command does with the server; returns its exit status. */
    @FunctionalInterface
    interface Work {
        int run(AdminClient client, PrintWriter out);
    }

    /** The plan of --config, if given (a {@link ConfigError} when it has problems). */
    Optional<Plan> configPlan() {
        return config == null ? Optional.empty() : Optional.of(ConfigFile.load(config));
    }

    Path stateDir() {
        if (state != null) {
            return state;
        }
        return configPlan().map(Plan::stateDir).orElse(PlanBuilder.DEFAULT_STATE_DIR);
    }

    int call(CommandLine.Model.CommandSpec spec, Work work) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return work.run(AdminClient.forStateDir(stateDir()), out);
        } catch (ConfigError e) {
            e.problems().forEach(p -> err.println("container: " + p));
            return CommandLine.ExitCode.USAGE;
        } catch (AdminClient.AdminException e) {
            if (json && e.status() != 0) {
                out.println(pretty(e.problem()));
            }
            err.println("container: " + e.getMessage());
            return 1;
        }
    }

    /** Prints the API's answer as JSON when --json was given; true when it did (the table is then left out). */
    boolean printedJson(PrintWriter out, JsonNode answer) {
        if (json) {
            out.println(pretty(answer));
        }
        return json;
    }

    /** A --wait DURATION (30s, 2m, 0s): a bad one is a usage error naming the value. */
    static final class DurationConverter implements CommandLine.ITypeConverter<java.time.Duration> {
        @Override
        public java.time.Duration convert(String value) {
            return dev.container.config.Durations.parse(value).orElseThrow(() ->
                    new CommandLine.TypeConversionException("expected a duration such as 30s, got '" + value + "'"));
        }
    }

    /** Asks done every 100 ms until it holds (true) or limit has passed (false). */
    static boolean await(java.time.Duration limit, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    static String pretty(JsonNode node) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The mapper of the commands' JSON output. */
    static ObjectMapper json() {
        return Json.MAPPER;
    }

    /** Made when --json prints, not when picocli builds every subcommand at start. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
