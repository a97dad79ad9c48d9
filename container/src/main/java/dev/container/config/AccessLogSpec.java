package dev.container.config;

import java.nio.file.Path;

/**
 * One line per request, written to {@code file} by a background thread.
 *
 * @param format "common", "combined", or a pattern in Undertow's access-log syntax (%h %r %s ...)
 * @param dailyRotation at midnight, rename the file with the date and start a new one
 */
public record AccessLogSpec(Path file, String format, boolean dailyRotation) {
    public AccessLogSpec {
        if (format.isBlank()) {
            throw new IllegalArgumentException("access log format must not be blank");
        }
    }
}
