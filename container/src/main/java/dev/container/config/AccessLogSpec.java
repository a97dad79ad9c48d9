package dev.container.config;

import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One line per request, written to {@code file} by a background thread.
 *
 * @param format "common", "combined", "json" (one JSON object per request), or a pattern in
 *     Undertow's access-log syntax (%h %r %s ...)
 * @param dailyRotation at midnight, rename the file with the date and start a new one
 * @param maxSize rename the file (as the daily rotation does) before it would grow beyond this many
 *     bytes; empty: no limit
 * @param maxFiles keep at most this many renamed files, deleting the oldest; empty: keep all
 */
public record AccessLogSpec(Path file, String format, boolean dailyRotation, OptionalLong maxSize, OptionalInt maxFiles) {
    /** The format that writes a JSON object per request. */
    public static final String JSON = "json";

    public AccessLogSpec {
        if (format.isBlank()) {
            throw new IllegalArgumentException("access log format must not be blank");
        }
        if (maxSize.isPresent() && maxSize.getAsLong() < 1) {
            throw new IllegalArgumentException("access log max-size must be above 0, got " + maxSize.getAsLong());
        }
        if (maxFiles.isPresent() && maxFiles.getAsInt() < 1) {
            throw new IllegalArgumentException("access log max-files must be at least 1, got " + maxFiles.getAsInt());
        }
    }

    /** A log with daily rotation or none, no size limit, and every rotated file kept. */
    public AccessLogSpec(Path file, String format, boolean dailyRotation) {
        this(file, format, dailyRotation, OptionalLong.empty(), OptionalInt.empty());
    }
}
