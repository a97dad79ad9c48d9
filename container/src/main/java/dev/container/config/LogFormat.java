package dev.container.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How the container's own log is written ({@code logging.format}, {@code --log-format}): {@link #TEXT}
 * (the default) is one readable line per event; {@link #JSON} is one JSON object per line, for log
 * shippers (timestamp, level, logger, thread, message, and the exception as one string).
 */
public enum LogFormat {
    TEXT, JSON;

    /** The names as users write them: text, json. */
    public static final List<String> NAMES = Arrays.stream(values()).map(LogFormat::configName).toList();

    /** The name users write: "text" or "json". */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named so (any case), if it is one. */
    public static Optional<LogFormat> named(String name) {
        return Arrays.stream(values()).filter(f -> f.configName().equals(name.toLowerCase(Locale.ROOT))).findFirst();
    }
}
