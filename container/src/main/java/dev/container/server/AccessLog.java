package dev.container.server;

import dev.container.StartupError;
import dev.container.config.AccessLogSpec;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.accesslog.AccessLogHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The access log: Undertow's AccessLogHandler formats a line per request ({@link JsonAccessLog} for
 * the json format), {@link AccessLogFile} queues it and writes batches from a thread of its own
 * (never from a request's thread), with daily and size-based rotation ({@code access.log} becomes
 * {@code access.2026-11-22.log}, then {@code access.2026-11-22-1.log} ...), the oldest renamed
 * files deleted beyond max-files, and one log line, not one per batch, when the disk is full.
 * {@link #close()} writes what is queued.
 */
public final class AccessLog implements AutoCloseable, dev.container.Service {
    private final AccessLogSpec spec;
    private final AccessLogFile receiver;

    private AccessLog(AccessLogSpec spec, AccessLogFile receiver) {
        this.spec = spec;
        this.receiver = receiver;
    }

    /** Opens (creates) the log's directory; {@link StartupError} when it cannot. */
    public static AccessLog open(AccessLogSpec spec) {
        Path file = spec.file().toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StartupError("access log " + file + ": " + e.getMessage(), e);
        }
        return new AccessLog(spec, new AccessLogFile(file, spec.dailyRotation(), spec.maxSize(), spec.maxFiles(),
                Clock.systemDefaultZone()));
    }

    /** next, with each of its requests logged; a bad format is a {@link StartupError}. */
    public HttpHandler wrap(HttpHandler next) {
        if (spec.format().equalsIgnoreCase(AccessLogSpec.JSON)) {
            return new JsonAccessLog(next, receiver);
        }
        try {
            return new AccessLogHandler(next, receiver, spec.format(), AccessLog.class.getClassLoader());
        } catch (RuntimeException e) {
            throw new StartupError("access log format '" + spec.format() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "access-log";
    }

    /** Nothing: the file opens with the first line written ({@link #open} made its directory). */
    @Override
    public void start() {
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public String describe() {
        return spec.file().toAbsolutePath() + " (" + spec.format() + ")";
    }

    @Override
    public void close() {
        receiver.close();
    }
}
