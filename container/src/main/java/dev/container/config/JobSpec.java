package dev.container.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One scheduled job of the {@code jobs} section (or a {@code --job} flag): its name, when it runs,
 * what it does, how long a run may take and how many past runs are kept. Values: a reload keeps a
 * job that is equal to the running one (and its history) and replaces one that is not.
 *
 * @param timeout how long one run may take before it is stopped (a command is killed with its
 *                process tree, a class job interrupted) and recorded as timed out
 * @param jitter  each scheduled run waits a random time up to this long first, so that many
 *                containers on one schedule do not all call out at once (zero: none)
 * @param history how many of the latest runs are kept for {@code container jobs}
 */
public record JobSpec(String name, Schedule schedule, Action action, Duration timeout, Duration jitter, int history) {
    public JobSpec {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("a job name may have letters, digits, '.', '-' and '_' only: " + name);
        }
        if (timeout.isNegative() || timeout.isZero() || jitter.isNegative() || history < 1) {
            throw new IllegalArgumentException("job " + name + ": timeout must be positive, jitter not negative, history at least 1");
        }
    }

    /** When a job runs. */
    public sealed interface Schedule permits Every, Cron {
        /** As the user wrote it, for logs and listings: "every 4s", "cron 0 3 * * *". */
        String describe();
    }

    /** Every {@code interval}, the first run {@code delay} after the jobs start. */
    public record Every(Duration interval, Duration delay) implements Schedule {
        public Every {
            if (interval.toMillis() < 1 || delay.isNegative()) {
                throw new IllegalArgumentException("every needs a positive interval and a delay of zero or more");
            }
        }

        @Override
        public String describe() {
            return "every " + Durations.format(interval) + (delay.isZero() ? "" : " after " + Durations.format(delay));
        }
    }

    /**
     * A cron schedule in the server's time zone: {@code written} as the user gave it (5-field Unix
     * or 6/7-field Quartz), {@code quartz} the equivalent Quartz expression ({@link Cron}).
     */
    public record Cron(String written, String quartz) implements Schedule {
        @Override
        public String describe() {
            return "cron " + written;
        }
    }

    /** What a job does. */
    public sealed interface Action permits RunClass, RunCommand, CallHttp {
        /** One line for logs and listings. */
        String describe();
    }

    /**
     * Runs a class that implements {@code org.quartz.Job} or {@link Runnable}, made with its public
     * no-argument constructor for each run, loaded from the app at context path {@code app} (on
     * {@code host}, a host id, or the default host), from {@code jars}, or else from the
     * container's own class path. {@code data} is the JobDataMap an org.quartz.Job sees.
     */
    public record RunClass(String className, Optional<String> app, Optional<String> host, List<Path> jars,
                           Map<String, String> data) implements Action {
        public RunClass {
            jars = List.copyOf(jars);
            data = Collections.unmodifiableMap(new TreeMap<>(data));
        }

        @Override
        public String describe() {
            return "class " + className + app.map(a -> " from app " + host.map(h -> h + ":").orElse("") + a).orElse("")
                    + (jars.isEmpty() ? "" : " from " + jars);
        }
    }

    /** Runs argv as a process in {@code dir} (else the state directory) with {@code env} added to the container's environment. */
    public record RunCommand(List<String> argv, Optional<Path> dir, Map<String, String> env) implements Action {
        public RunCommand {
            argv = List.copyOf(argv);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("a command needs at least the program");
            }
            env = Collections.unmodifiableMap(new TreeMap<>(env));
        }

        @Override
        public String describe() {
            String text = "command " + argv;
            // a script in one argument can be long; the log and the listing need only its start
            return text.length() <= 100 ? text : text.substring(0, 97).replace('\n', ' ') + "...";
        }
    }

    /**
     * Sends a request to the container's own apps (the first plain-HTTP listener, on the loopback
     * address), as {@code host} (a host id: the request carries that host's first name) or the
     * default host. A status of 400 or above is a failed run.
     */
    public record CallHttp(String method, String path, Optional<String> host, List<Header> headers, String body)
            implements Action {
        public CallHttp {
            headers = List.copyOf(headers);
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("an http job's path starts with '/': " + path);
            }
        }

        @Override
        public String describe() {
            return "http " + method + " " + host.map(h -> h + ":").orElse("") + path;
        }
    }
}
