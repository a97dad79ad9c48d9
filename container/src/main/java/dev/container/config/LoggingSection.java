package dev.container.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code logging}: the log level and the access log. The shared defaults are
 * {@link PlanBuilder#DEFAULT_LOGGING}; the access log's, which only the file sets, are here.
 */
final class LoggingSection {
    /** The keys of the logging section and its access-log, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of(
            "logging", List.of("level", "access-log"),
            "logging.access-log", List.of("enabled", "file", "format", "rotate"));

    static final String DEFAULT_ACCESS_LOG_FILE = "logs/access.log";
    static final String DEFAULT_ACCESS_LOG_FORMAT = "combined";
    static final String DEFAULT_ROTATE = "daily";

    private static final List<String> ROTATIONS = List.of("daily", "never");

    private LoggingSection() {
    }

    static LoggingSpec read(Section top) {
        return top.section("logging", "logging").map(LoggingSection::logging).orElse(PlanBuilder.DEFAULT_LOGGING);
    }

    private static LoggingSpec logging(Section s) {
        LoggingSpec d = PlanBuilder.DEFAULT_LOGGING;
        String level = s.choice("level", LoggingSpec.LEVELS).orElse(d.level());
        Optional<AccessLogSpec> accessLog = s.section("access-log", "logging.access-log").flatMap(a -> {
            boolean enabled = a.bool("enabled").orElse(false);
            Path file = a.path("file").orElse(s.reading.baseDir().resolve(DEFAULT_ACCESS_LOG_FILE));
            String format = a.string("format").orElse(DEFAULT_ACCESS_LOG_FORMAT);
            if (format.isBlank()) {
                a.problemAt("format", "expected common, combined or a pattern such as \"%h %r %s %b\"");
            }
            String rotate = a.choice("rotate", ROTATIONS).orElse(DEFAULT_ROTATE);
            a.finish();
            return enabled && !format.isBlank() ? Optional.of(new AccessLogSpec(file, format, rotate.equals("daily")))
                    : Optional.empty();
        });
        s.finish();
        return new LoggingSpec(level, accessLog);
    }
}
