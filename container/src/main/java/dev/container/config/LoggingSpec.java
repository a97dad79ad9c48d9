package dev.container.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The container's log (level and format) and the access log.
 *
 * @param level the root level of the container's log: error, warn, info, debug or trace
 * @param format how the container's log is written: a line of text or a JSON object per event
 */
public record LoggingSpec(String level, LogFormat format, Optional<AccessLogSpec> accessLog) {
    public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

    public LoggingSpec {
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("unknown log level " + level);
        }
    }

    public LoggingSpec withFormat(LogFormat f) {
        return new LoggingSpec(level, f, accessLog);
    }

    /** The keys that differ in next, named as in the config file (logging.level, logging.format, logging.access-log). */
    public List<String> changes(LoggingSpec next) {
        List<String> changed = new ArrayList<>();
        if (!level.equals(next.level)) {
            changed.add("logging.level");
        }
        if (format != next.format) {
            changed.add("logging.format");
        }
        if (!accessLog.equals(next.accessLog)) {
            changed.add("logging.access-log");
        }
        return changed;
    }
}
