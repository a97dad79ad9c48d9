package dev.container.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the config file's {@code jobs} section and its {@code admin} key, with the rest of
 * {@link ConfigFile}'s checking: every problem as FILE:LINE: key: text. A job must name a schedule
 * ({@code every} or {@code cron}) and exactly one kind ({@code http}, {@code command} or
 * {@code class}, read by {@link JobActionsSection}). Holds the jobs' defaults. One instance per file read; not thread-safe.
 */
final class JobsSection {
    /** The keys of a job, for unknown-key checking ({@link ConfigFile#KEYS}); its kinds' are in JobActionsSection. */
    static final Map<String, List<String>> KEYS = Map.of(
            "jobs.*", List.of("every", "delay", "cron", "timeout", "jitter", "history", "http", "command", "class"));

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    static final Duration DEFAULT_JITTER = Duration.ZERO;
    static final Duration DEFAULT_DELAY = Duration.ZERO;
    static final int DEFAULT_HISTORY = 20;
    static final String DEFAULT_METHOD = "GET";
    /** The admin channel's default: the loopback address, a free port (written to STATE/admin.json). */
    static final ListenerSpec DEFAULT_ADMIN = new ListenerSpec("127.0.0.1", 0);

    /**
     * Why the admin channel refuses other addresses: it speaks plain HTTP, so its bearer token (and
     * the whole control of the server) would cross the network readable. TLS on it would lift this.
     */
    static final String ADMIN_LOOPBACK_ONLY = "the admin channel has no TLS yet, so it listens on a loopback address"
            + " only (127.0.0.1, [::1] or localhost), where its token does not cross the network; from another"
            + " host, reach it through an SSH tunnel (ssh -L 9901:127.0.0.1:PORT HOST)";

    private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final List<String> KINDS = List.of("http", "command", "class");

    private final Reading reading;
    private final JobActionsSection actions;

    JobsSection(Reading reading) {
        this.reading = reading;
        this.actions = new JobActionsSection(reading);
    }

    /** {@code admin = "127.0.0.1:0"}, a loopback address and port, or {@code admin = off}. */
    Optional<ListenerSpec> admin(Section top) {
        ConfigValue v = top.has("admin");
        if (v == null) {
            return Optional.of(DEFAULT_ADMIN);
        }
        At at = top.at.child("admin");
        Object raw = v.unwrapped();
        if (Boolean.FALSE.equals(raw) || "off".equals(raw)) {
            return Optional.empty();
        }
        if (v.valueType() != ConfigValueType.STRING) {
            reading.problem(at, v, "expected a loopback address such as \"127.0.0.1:0\", or off");
            return Optional.empty();
        }
        ListenerSpec spec = PlanBuilder.parseListen((String) raw, p -> reading.problem(at, v, "expected [host]:port: " + p));
        if (spec == null) {
            return Optional.empty();
        }
        if (!isLoopback(spec.host())) {
            reading.problem(at, v, "'" + raw + "' is not a loopback address: " + ADMIN_LOOPBACK_ONLY);
            return Optional.empty();
        }
        return Optional.of(spec);
    }

    static boolean isLoopback(String host) {
        try {
            return !host.equals(PlanBuilder.ANY_HOST) && java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The jobs, in file order. apps and hosts are the file's (for class and http jobs to name). */
    List<JobSpec> jobs(Section top, List<HostSpec> hosts, List<AppSpec> apps) {
        List<JobSpec> jobs = new ArrayList<>();
        ConfigValue value = top.has("jobs");
        if (value == null) {
            return jobs;
        }
        At at = top.at.child("jobs");
        if (!reading.isType(value, at, ConfigValueType.OBJECT, "an object of jobs, e.g. jobs { tick { every = 1m, http = \"GET /app/tick\" } }")) {
            return jobs;
        }
        ConfigObject object = (ConfigObject) value;
        for (String name : Reading.inFileOrder(object)) {
            Section part = reading.part(object, at, name, JOB_NAME, "a job name may have letters, digits, '.', '-' and '_' only",
                    "an object such as { every = 1m, http = \"GET /app/tick\" }", "jobs.*");
            JobSpec job = part == null ? null : job(name, part, part.object, hosts, apps);
            if (job != null) {
                jobs.add(job);
            }
        }
        return jobs;
    }

    private JobSpec job(String name, Section job, ConfigValue jobValue, List<HostSpec> hosts, List<AppSpec> apps) {
        int problemsBefore = reading.problemCount();
        JobSpec.Schedule schedule = schedule(job, jobValue);
        Duration timeout = job.duration("timeout").orElse(DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            job.problemAt("timeout", "expected a duration above zero");
        }
        Duration jitter = job.duration("jitter").orElse(DEFAULT_JITTER);
        int history = job.integer("history", 1, 10_000).orElse(DEFAULT_HISTORY);
        List<String> kinds = KINDS.stream().filter(k -> job.object.containsKey(k)).toList();
        JobSpec.Action action = null;
        if (kinds.isEmpty()) {
            reading.problem(job.at, jobValue, "a job needs one of http = ..., command = [...] or class = ...");
        } else if (kinds.size() > 1) {
            reading.problem(job.at, jobValue, "a job does one thing, but this one has " + String.join(" and ", kinds));
            kinds.forEach(job::has);
        } else {
            action = switch (kinds.get(0)) {
                case "http" -> actions.http(job, hosts);
                case "command" -> actions.command(job);
                default -> actions.runClass(job, hosts, apps);
            };
        }
        job.finish();
        if (reading.problemCount() > problemsBefore || schedule == null || action == null) {
            return null;
        }
        return new JobSpec(name, schedule, action, timeout, jitter, history);
    }

    private JobSpec.Schedule schedule(Section job, ConfigValue jobValue) {
        boolean every = job.object.containsKey("every");
        boolean cron = job.object.containsKey("cron");
        if (every && cron) {
            reading.problem(job.at.child("cron"), job.object.get("cron"), "a job has every = ... or cron = ..., not both");
            job.has("every");
            job.has("cron");
            job.has("delay");
            return null;
        }
        if (cron) {
            if (job.object.containsKey("delay")) {
                job.problemAt("delay", "delay is for every = ...; a cron job runs at its own times");
                job.has("delay");
            }
            Optional<String> written = job.string("cron");
            if (written.isEmpty()) {
                return null;
            }
            try {
                return new JobSpec.Cron(written.get().trim(), CronSyntax.toQuartz(written.get()));
            } catch (ConfigError e) {
                job.problemAt("cron", e.problems().get(0));
                return null;
            }
        }
        if (!every) {
            reading.problem(job.at, jobValue, "a job needs a schedule: every = 4s or cron = \"*/5 * * * *\"");
            job.has("delay");
            return null;
        }
        Optional<Duration> interval = job.duration("every");
        Duration delay = job.duration("delay").orElse(DEFAULT_DELAY);
        if (interval.isPresent() && interval.get().toMillis() < 1) {
            job.problemAt("every", "expected a duration of at least 1ms");
            return null;
        }
        return interval.map(i -> new JobSpec.Every(i, delay)).orElse(null);
    }
}
