package dev.container.config;

import java.util.List;

/**
 * The user's input is wrong: a flag, a path, an address. Carries every problem found, each a
 * one-line message naming the value at fault; the CLI prints them and exits 2, without a stack trace.
 */
public final class ConfigError extends RuntimeException {
    private final List<String> problems;

    public ConfigError(String problem) {
        this(List.of(problem));
    }

    public ConfigError(List<String> problems) {
        super(String.join("; ", problems), null, false, false);
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigError needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
