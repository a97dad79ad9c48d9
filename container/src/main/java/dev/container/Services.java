package dev.container;

import dev.container.admin.Control;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's running parts, in the order they started: one place that knows each of them,
 * for the control API ({@link #views()}) and for the container, which finds a part by its type
 * ({@link #find}) instead of holding a field for each. Parts are started one at a time as the
 * container builds itself ({@link #start}), since each needs the ones before it (the apps need
 * the listeners' worker threads, the ACME maintenance needs the listeners open); {@link #stopAll}
 * stops them in reverse. Readers (the admin channel) take no lock.
 */
final class Services {
    private static final Logger log = LoggerFactory.getLogger("container");

    /** A started part; stopped once {@link #stopAll} has reached it. */
    private static final class Entry {
        final Service service;
        final Instant startedAt;
        volatile boolean stopped;

        Entry(Service service, Instant startedAt) {
            this.service = service;
            this.startedAt = startedAt;
        }
    }

    private final List<Entry> started = new CopyOnWriteArrayList<>();

    /**
     * Starts service and registers it after the ones started before. When its start fails it is
     * stopped (it may have started a part of itself) and not registered; the failure goes to the
     * caller, as a {@link StartupError} when it was not one already.
     */
    <T extends Service> T start(T service) {
        try {
            service.start();
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        } catch (Exception e) {
            service.stop();
            throw new StartupError(service.name() + ": " + e.getMessage(), e);
        }
        started.add(new Entry(service, Instant.now()));
        return service;
    }

    /** The started part of that type, if one is. */
    <T> Optional<T> find(Class<T> type) {
        return started.stream().map(e -> e.service).filter(type::isInstance).map(type::cast).findFirst();
    }

    /**
     * Stops every part in reverse start order. A part whose stop throws is logged in one line and
     * the others are stopped all the same.
     */
    void stopAll() {
        List<Entry> reverse = new ArrayList<>(started);
        java.util.Collections.reverse(reverse);
        for (Entry entry : reverse) {
            if (entry.stopped) {
                continue;
            }
            try {
                entry.service.stop();
            } catch (RuntimeException e) {
                log.warn("stopping {}: {}", entry.service.name(), e.toString());
                log.debug("stopping {}", entry.service.name(), e);
            } finally {
                entry.stopped = true;
            }
        }
    }

    /** Every part, in start order, as the control API shows it. */
    List<Control.ServiceView> views() {
        List<Control.ServiceView> views = new ArrayList<>();
        for (Entry entry : started) {
            String detail;
            try {
                detail = entry.service.describe();
            } catch (RuntimeException e) {
                detail = "cannot describe itself: " + e;
            }
            views.add(new Control.ServiceView(entry.service.name(), entry.stopped ? "stopped" : "running",
                    entry.startedAt, detail));
        }
        return views;
    }
}
