package dev.container.sessions;

import dev.container.Service;
import io.undertow.servlet.api.DeploymentInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP sessions of distributable apps ({@code <distributable/>} in web.xml), kept in
 * PostgreSQL so that any node of a cluster serves any request of a session: {@link #apply} gives
 * such an app's deployment a {@link SharedSessionManager} and the {@link SessionRequests} that
 * read and write its sessions. The part's own thread, the sweeper, removes expired sessions and
 * calls their listeners, one node at a time per app (a PostgreSQL advisory lock), waking when the
 * next session expires (within a second); while the database cannot be reached it checks it every
 * second instead, and says once when it is back. Apps without {@code <distributable/>}, and every
 * app when the storage is files, keep Undertow's in-memory sessions.
 *
 * <p>Started before the apps, stopped after them. Thread-safe.
 */
public final class SharedSessions implements Service {
    private static final Logger log = LoggerFactory.getLogger("container");
    /** Most sessions removed per app per round (the next round comes at once when there were as many). */
    private static final int SWEEP_BATCH = 500;
    /** The longest the sweeper sleeps: a session made on another node may expire sooner than any known here. */
    private static final Duration LONGEST_SLEEP = Duration.ofSeconds(30);
    private static final Duration SHORTEST_SLEEP = Duration.ofMillis(500);
    private static final Duration PROBE_EVERY = Duration.ofSeconds(1);
    /** Sessions of apps no node serves any more are removed this long after they expired, without listeners. */
    private static final Duration ABANDONED = Duration.ofDays(1);

    private final SessionTable table;
    private final Set<SharedSessionManager> managers = new CopyOnWriteArraySet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    /** When the sweeper means to wake next (System.nanoTime()); guarded by lock. */
    private long wakeAt;
    /** The earliest expiry written since the sweeper last woke, if any (it may come while it sweeps); guarded by lock. */
    private long nudge;
    private boolean nudged;
    private boolean stopping;
    private Thread sweeper;
    private volatile Instant lastPurge = Instant.EPOCH;

    /** @param dataSource the shared storage's pool; the table is its migrations' (V10__container_sessions.sql) */
    public SharedSessions(DataSource dataSource) {
        this.table = new SessionTable(dataSource, new StoreHealth(this::wakeNow));
    }

    @Override
    public String name() {
        return "sessions";
    }

    @Override
    public void start() {
        lock.lock();
        try {
            stopping = false;
            wakeAt = System.nanoTime();
        } finally {
            lock.unlock();
        }
        sweeper = new Thread(this::sweepLoop, "sessions-sweeper");
        sweeper.setDaemon(true);
        sweeper.start();
    }

    @Override
    public void stop() {
        Thread running = sweeper;
        if (running == null) {
            return;
        }
        lock.lock();
        try {
            stopping = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            running.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sweeper = null;
    }

    @Override
    public String describe() {
        Optional<Instant> down = table.health().downSince();
        String apps = managers.stream().map(SharedSessionManager::app).distinct().sorted().collect(Collectors.joining(", "));
        return (apps.isEmpty() ? "no distributable app" : "distributable: " + apps) + "; "
                + down.map(since -> "PostgreSQL unreachable since " + since).orElse("PostgreSQL reachable");
    }

    /**
     * Makes a deployment of a distributable app keep its sessions here.
     *
     * @param app the app as the table keys its sessions and the log names it: its hosts and
     *            context path ({@code AppSpec.label()}), the same on every node
     */
    public void apply(DeploymentInfo info, String app) {
        info.setSessionManagerFactory(deployment -> new SharedSessionManager(this, info.getDeploymentName(), app,
                deployment.getDeploymentInfo().getClassLoader(), deployment.getDeploymentInfo().getSessionIdGenerator(),
                deployment.getServletContext()));
        info.addOuterHandlerChainWrapper(SessionRequests::new);
    }

    SessionTable table() {
        return table;
    }

    void register(SharedSessionManager manager) {
        managers.add(manager);
    }

    void unregister(SharedSessionManager manager) {
        managers.remove(manager);
    }

    /** A session was written that expires in so many seconds (none when 0 or less): wake in time for it. */
    void expiresIn(int seconds) {
        if (seconds <= 0) {
            return;
        }
        long at = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) + SHORTEST_SLEEP.toNanos();
        lock.lock();
        try {
            if (!nudged || at - nudge < 0) {
                nudge = at;
                nudged = true;
            }
            if (at - wakeAt < 0) {
                wakeAt = at;
                wake.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The store went down: the sweeper starts checking it now, not at its next round. */
    private void wakeNow() {
        lock.lock();
        try {
            wakeAt = System.nanoTime();
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void sweepLoop() {
        while (sleepUntilDue()) {
            Duration next;
            try {
                next = table.health().up() ? sweep() : probe();
            } catch (SessionsUnavailable e) {
                next = PROBE_EVERY; // said once by the health
            } catch (RuntimeException e) {
                log.warn("sessions: sweeping expired sessions failed: {}", e.getMessage());
                next = LONGEST_SLEEP;
            }
            lock.lock();
            try {
                if (!table.health().up() && next.compareTo(PROBE_EVERY) > 0) {
                    next = PROBE_EVERY; // it went down while this round ran
                }
                wakeAt = System.nanoTime() + clamp(next).toNanos();
                if (nudged && nudge - wakeAt < 0) {
                    wakeAt = nudge; // a session written while this round ran, expiring sooner than it found
                }
                nudged = false;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits for wakeAt (which {@link #expiresIn} may bring forward); false when stopping. */
    private boolean sleepUntilDue() {
        lock.lock();
        try {
            while (!stopping) {
                long left = wakeAt - System.nanoTime();
                if (left <= 0) {
                    nudged = false; // this round looks at everything written before it
                    return true;
                }
                wake.awaitNanos(left);
            }
            return false;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** One round: each app's expired sessions removed and their listeners called; how long until the next is due. */
    private Duration sweep() {
        Set<String> apps = managers.stream().map(SharedSessionManager::app).collect(Collectors.toSet());
        boolean more = false;
        for (String app : apps) {
            List<SessionTable.Row> expired = table.sweep(app, SWEEP_BATCH);
            if (!expired.isEmpty()) {
                // The app's newest deployment calls the listeners (during a redeploy two may run).
                managers.stream().filter(m -> m.app().equals(app)).reduce((a, b) -> b).ifPresent(m -> m.expire(expired));
                more |= expired.size() == SWEEP_BATCH;
            }
        }
        if (Instant.now().isAfter(lastPurge.plus(Duration.ofHours(1)))) {
            lastPurge = Instant.now();
            int purged = table.purgeAbandoned(ABANDONED);
            if (purged > 0) {
                log.info("sessions: removed {} session(s) of apps no node serves, expired over a day ago", purged);
            }
        }
        if (more) {
            return SHORTEST_SLEEP;
        }
        return apps.isEmpty() ? LONGEST_SLEEP : table.nextExpiry(apps).orElse(LONGEST_SLEEP);
    }

    private Duration probe() {
        if (table.probe()) {
            table.health().probed();
            return SHORTEST_SLEEP;
        }
        return PROBE_EVERY;
    }

    private static Duration clamp(Duration next) {
        if (next.compareTo(LONGEST_SLEEP) > 0) {
            return LONGEST_SLEEP;
        }
        // never spinning: expired sessions another node is sweeping still count as due here
        return next.compareTo(SHORTEST_SLEEP) < 0 ? SHORTEST_SLEEP : next;
    }
}
