package dev.container.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads {@code logging}: the log level and format, and the access log. The shared defaults are
 * {@link PlanBuilder#DEFAULT_LOGGING}; the access log's, which only the file sets, are here.
 */
final class LoggingSection {
    /** The keys of the logging section and its access-log, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of(
            "logging", List.of("level", "format", "access-log"),
            "logging.access-log", List.of("enabled", "file", "format", "rotate", "max-size", "max-files"));

    static final String DEFAULT_ACCESS_LOG_FILE = "logs/access.log";
    static final String DEFAULT_ACCESS_LOG_FORMAT = "combined";
    static final String DEFAULT_ROTATE = "daily";
    /** The smallest access log max-size: below it nearly every line would be a file of its own. */
    static final long MIN_ACCESS_LOG_SIZE = 1024;

    private static final List<String> ROTATIONS = List.of("daily", "never");

    private LoggingSection() {
    }

    static LoggingSpec read(Section top) {
        return top.section("logging", "logging").map(LoggingSection::logging).orElse(PlanBuilder.DEFAULT_LOGGING);
    }

    private static LoggingSpec logging(Section s) {
        LoggingSpec d = PlanBuilder.DEFAULT_LOGGING;
        String level = s.choice("level", LoggingSpec.LEVELS).orElse(d.level());
        LogFormat format = s.choice("format", LogFormat.NAMES).flatMap(LogFormat::named).orElse(d.format());
        Optional<AccessLogSpec> accessLog = s.section("access-log", "logging.access-log")
                .flatMap(a -> accessLog(a, s.reading.baseDir()));
        s.finish();
        return new LoggingSpec(level, format, accessLog);
    }

    private static Optional<AccessLogSpec> accessLog(Section a, Path baseDir) {
        boolean enabled = a.bool("enabled").orElse(false);
        Path file = a.path("file").orElse(baseDir.resolve(DEFAULT_ACCESS_LOG_FILE));
        String format = a.string("format").orElse(DEFAULT_ACCESS_LOG_FORMAT);
        if (format.isBlank()) {
            a.problemAt("format", "expected common, combined, json or a pattern such as \"%h %r %s %b\"");
        }
        String rotate = a.choice("rotate", ROTATIONS).orElse(DEFAULT_ROTATE);
        OptionalLong maxSize = a.size("max-size", 1, Long.MAX_VALUE).map(OptionalLong::of).orElse(OptionalLong.empty());
        if (maxSize.isPresent() && maxSize.getAsLong() < MIN_ACCESS_LOG_SIZE) {
            a.problemAt("max-size", "expected a size of at least 1KiB, got " + maxSize.getAsLong() + " bytes");
            maxSize = OptionalLong.empty();
        }
        OptionalInt maxFiles = a.integer("max-files", 1, Integer.MAX_VALUE).map(OptionalInt::of).orElse(OptionalInt.empty());
        if (maxFiles.isPresent() && a.has("max-size") == null && rotate.equals("never")) {
            a.problemAt("max-files", "keeps the newest rotated files, but with rotate = never and no max-size the log"
                    + " is never rotated: set max-size, or rotate = daily");
        }
        a.finish();
        return enabled && !format.isBlank()
                ? Optional.of(new AccessLogSpec(file, format, rotate.equals("daily"), maxSize, maxFiles))
                : Optional.empty();
    }
}
