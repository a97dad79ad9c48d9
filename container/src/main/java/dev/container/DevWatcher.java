package dev.container;

import dev.container.config.AppSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev mode's watcher: every {@code interval} it takes a stamp of each app's source (a WAR's size
 * and time; for an exploded app, the newest time, the count and the total size of the files under
 * WEB-INF) and redeploys an app whose stamp changed and then held still for one more interval, so
 * a WAR still being copied is not deployed half-written ({@link Container#redeploy}: side by side,
 * no failed request). Static files need no watching: every request checks its file.
 *
 * <p>Polling rather than WatchService: it sees a WAR replaced by a rename and changes deep in a
 * class tree the same way on every platform, and a few hundred stats a second cost nothing.
 * One daemon thread; {@link #close()} stops it.
 */
public final class DevWatcher implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMillis(500);

    private static final Logger log = LoggerFactory.getLogger("container");

    private record Stamp(long newest, long count, long bytes) {
    }

    private final Container container;
    private final Duration interval;
    private final Map<AppSpec, Stamp> deployed = new HashMap<>();
    private final Map<AppSpec, Stamp> pending = new HashMap<>();
    private final Thread thread;
    private volatile boolean stopped;

    private DevWatcher(Container container, Duration interval) {
        this.container = container;
        this.interval = interval;
        this.thread = new Thread(this::run, "dev-watch");
        thread.setDaemon(true);
    }

    /** Watches the apps of the container's plan (and those reloads add), every half second. */
    public static DevWatcher start(Container container) {
        return start(container, INTERVAL);
    }

    static DevWatcher start(Container container, Duration interval) {
        DevWatcher watcher = new DevWatcher(container, interval);
        for (AppSpec app : container.plan().apps()) {
            watcher.deployed.put(app, stamp(app.source()));
        }
        watcher.thread.start();
        log.info("dev mode: watching {} app(s) for changes", watcher.deployed.size());
        return watcher;
    }

    private void run() {
        while (!stopped) {
            try {
                Thread.sleep(interval.toMillis());
                check();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("dev mode: watching failed this time: {}", e.toString());
            }
        }
    }

    private void check() {
        for (AppSpec app : container.plan().apps()) {
            Stamp now = stamp(app.source());
            Stamp last = deployed.putIfAbsent(app, now); // an app a reload added: its first stamp
            if (last == null || Objects.equals(last, now)) {
                pending.remove(app);
            } else if (now != null && now.equals(pending.get(app))) {
                pending.remove(app);
                deployed.put(app, now);
                log.info("dev mode: {} changed, redeploying {}", app.source(), app.contextPath());
                container.redeploy(app);
            } else {
                pending.put(app, now); // changed: wait one interval for it to hold still
            }
        }
        deployed.keySet().retainAll(container.plan().apps());
    }

    /** The source's stamp; null while it cannot be read (being replaced). */
    static Stamp stamp(Path source) {
        try {
            if (Files.isRegularFile(source)) {
                BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class);
                return new Stamp(a.lastModifiedTime().toMillis(), 1, a.size());
            }
            Path webInf = source.resolve("WEB-INF");
            if (!Files.isDirectory(webInf)) {
                return new Stamp(0, 0, 0);
            }
            long[] s = new long[3];
            try (Stream<Path> files = Files.walk(webInf)) {
                files.forEach(file -> {
                    try {
                        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                        s[0] = Math.max(s[0], a.lastModifiedTime().toMillis());
                        s[1]++;
                        s[2] += a.isRegularFile() ? a.size() : 0;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            return new Stamp(s[0], s[1], s[2]);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
