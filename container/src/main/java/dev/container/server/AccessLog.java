package dev.container.server;

import dev.container.StartupError;
import dev.container.config.AccessLogSpec;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.accesslog.AccessLogHandler;
import io.undertow.server.handlers.accesslog.DefaultAccessLogReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The access log: Undertow's AccessLogHandler with its receiver, which queues each line and
 * writes batches from one thread of its own (never from a request's thread), and with daily
 * rotation renames {@code access.log} to {@code access.2026-11-22.log} at midnight.
 * {@link #close()} writes what is queued.
 */
public final class AccessLog implements AutoCloseable {
    private final AccessLogSpec spec;
    private final ExecutorService writer;
    private final DefaultAccessLogReceiver receiver;

    private AccessLog(AccessLogSpec spec, ExecutorService writer, DefaultAccessLogReceiver receiver) {
        this.spec = spec;
        this.writer = writer;
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
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        // Undertow writes base + suffix, and on rotation base + date + "." + suffix.
        String base = dot > 0 ? name.substring(0, dot + 1) : name + ".";
        String suffix = dot > 0 ? name.substring(dot + 1) : "log";
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "access-log");
            t.setDaemon(true);
            return t;
        });
        DefaultAccessLogReceiver receiver = DefaultAccessLogReceiver.builder()
                .setLogWriteExecutor(writer)
                .setOutputDirectory(file.getParent())
                .setLogBaseName(base)
                .setLogNameSuffix(suffix)
                .setRotate(spec.dailyRotation())
                .build();
        return new AccessLog(spec, writer, receiver);
    }

    /** next, with each of its requests logged; a bad format is a {@link StartupError}. */
    public HttpHandler wrap(HttpHandler next) {
        try {
            return new AccessLogHandler(next, receiver, spec.format(), AccessLog.class.getClassLoader());
        } catch (RuntimeException e) {
            throw new StartupError("access log format '" + spec.format() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            receiver.close();
        } catch (IOException e) {
            // the log's last lines are lost; nothing else to do at shutdown
        }
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
