package dev.container.config;

import java.util.Optional;

/**
 * The container's log level and the access log.
 *
 * @param level the root level of the container's log: error, warn, info, debug or trace
 */
public record LoggingSpec(String level, Optional<AccessLogSpec> accessLog) {
    public static final java.util.List<String> LEVELS = java.util.List.of("error", "warn", "info", "debug", "trace");

    public LoggingSpec {
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("unknown log level " + level);
        }
    }
}
