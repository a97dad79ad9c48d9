package dev.container.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@code --job} flag: one job in one line, for the quick case.
 * <pre>
 *   NAME every DURATION [after DELAY] KIND
 *   NAME cron 'EXPRESSION' KIND
 *   KIND:  http [METHOD] /path  |  command PROGRAM [ARGS...]  |  class CLASS [in /CONTEXT-PATH]
 * </pre>
 * Words split at spaces; single or double quotes keep a cron expression or an argument with
 * spaces together. Everything else a job can say (timeout, jitter, headers, env...) is the config
 * file's; here they have their defaults. Stateless.
 */
final class JobFlag {
    static final String USAGE = "expected NAME every DURATION [after DELAY] KIND or NAME cron 'EXPR' KIND, "
            + "where KIND is http [METHOD] /path, command PROGRAM [ARGS...] or class CLASS [in /CONTEXT-PATH]";

    private JobFlag() {
    }

    /** The job, or null after telling problem (without the "--job ARG: " prefix) what is wrong. */
    static JobSpec parse(String argument, List<AppSpec> apps, Consumer<String> problem) {
        List<String> words = words(argument);
        if (words == null) {
            problem.accept("unbalanced quotes");
            return null;
        }
        if (words.size() < 4) {
            problem.accept(USAGE);
            return null;
        }
        String name = words.get(0);
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            problem.accept("a job name may have letters, digits, '.', '-' and '_' only, got '" + name + "'");
            return null;
        }
        int i = 1;
        JobSpec.Schedule schedule;
        switch (words.get(i++)) {
            case "every" -> {
                Optional<Duration> interval = Durations.parse(words.get(i++));
                if (interval.isEmpty() || interval.get().toMillis() < 1) {
                    problem.accept("every '" + words.get(i - 1) + "': expected a duration such as 4s, 5m or 1h");
                    return null;
                }
                Duration delay = JobsSection.DEFAULT_DELAY;
                if (i + 1 < words.size() && words.get(i).equals("after")) {
                    Optional<Duration> d = Durations.parse(words.get(i + 1));
                    if (d.isEmpty()) {
                        problem.accept("after '" + words.get(i + 1) + "': expected a duration such as 10s");
                        return null;
                    }
                    delay = d.get();
                    i += 2;
                }
                schedule = new JobSpec.Every(interval.get(), delay);
            }
            case "cron" -> {
                String written = words.get(i++);
                try {
                    schedule = new JobSpec.Cron(written.trim(), CronSyntax.toQuartz(written));
                } catch (ConfigError e) {
                    problem.accept("cron '" + written + "': " + e.problems().get(0)
                            + (written.trim().contains(" ") ? "" : " (quote the expression: cron '*/5 * * * *')"));
                    return null;
                }
            }
            default -> {
                problem.accept(USAGE);
                return null;
            }
        }
        if (i >= words.size()) {
            problem.accept(USAGE);
            return null;
        }
        String kind = words.get(i++);
        List<String> rest = words.subList(i, words.size());
        JobSpec.Action action = switch (kind) {
            case "http" -> http(rest, problem);
            case "command" -> rest.isEmpty() ? null : new JobSpec.RunCommand(rest, Optional.empty(), Map.of());
            case "class" -> runClass(rest, apps, problem);
            default -> null;
        };
        if (action == null) {
            if (!List.of("http", "class").contains(kind)) {
                problem.accept(USAGE);
            }
            return null;
        }
        return new JobSpec(name, schedule, action, JobsSection.DEFAULT_TIMEOUT, JobsSection.DEFAULT_JITTER,
                JobsSection.DEFAULT_HISTORY);
    }

    private static JobSpec.Action http(List<String> rest, Consumer<String> problem) {
        if (rest.isEmpty() || rest.size() > 2 || !rest.get(rest.size() - 1).startsWith("/")
                || (rest.size() == 2 && !rest.get(0).matches("[A-Z]+"))) {
            problem.accept("http: expected [METHOD] /path, got '" + String.join(" ", rest) + "'");
            return null;
        }
        String method = rest.size() == 2 ? rest.get(0) : JobsSection.DEFAULT_METHOD;
        return new JobSpec.CallHttp(method, rest.get(rest.size() - 1), Optional.empty(), List.of(), "");
    }

    private static JobSpec.Action runClass(List<String> rest, List<AppSpec> apps, Consumer<String> problem) {
        if (!(rest.size() == 1 || (rest.size() == 3 && rest.get(1).equals("in")))) {
            problem.accept("class: expected CLASS [in /CONTEXT-PATH], got '" + String.join(" ", rest) + "'");
            return null;
        }
        String className = rest.get(0);
        if (rest.size() == 1) {
            if (!ClassFiles.inContainer(className)) {
                problem.accept("class " + className + " not found on the container's class path (add: in /CONTEXT-PATH)");
                return null;
            }
            return new JobSpec.RunClass(className, Optional.empty(), Optional.empty(), List.of(), Map.of());
        }
        String path = rest.get(2);
        Optional<AppSpec> app = apps.stream().filter(a -> a.contextPath().equals(path) && a.hosts().isEmpty()).findFirst();
        if (app.isEmpty()) {
            problem.accept("class " + className + ": no app at " + path + " (give it with --war)");
            return null;
        }
        if (!ClassFiles.inWar(app.get().source(), className)) {
            problem.accept("class " + className + " not found in app " + path + " (" + app.get().source() + ")");
            return null;
        }
        return new JobSpec.RunClass(className, Optional.of(path), Optional.empty(), List.of(), Map.of());
    }

    /** Splits at spaces, keeping '...' and "..." together; null when a quote is not closed. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quote != 0) {
            return null;
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
