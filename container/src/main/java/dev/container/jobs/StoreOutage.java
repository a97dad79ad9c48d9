package dev.container.jobs;

import java.net.ConnectException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a cluster node's jobs can reach their database, said once per outage: the first failure
 * logs one warning (scheduled runs wait: Quartz cannot take a firing without its tables), a
 * thread then tries a connection every {@link #PROBE} until one works, and logs one line when
 * the database is back (Quartz, retrying by itself, goes on; firings missed meanwhile are skipped
 * as misfires). Quartz's own errors about the same outage are dropped from the log
 * ({@link QuartzOutageFilter}). Thread-safe.
 */
final class StoreOutage {
    private static final Logger log = LoggerFactory.getLogger("container");
    static final Duration PROBE = Duration.ofSeconds(2);
    /** The open ones of this JVM (one per clustered Jobs), for what Quartz's threads report ({@link #report}). */
    private static final Set<StoreOutage> OPEN = new CopyOnWriteArraySet<>();

    private final DataSource db;
    private final String node;
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile boolean closed;

    StoreOutage(DataSource db, String node) {
        this.db = db;
        this.node = node;
        OPEN.add(this);
    }

    /**
     * A failure Quartz logged from one of its own threads (cluster check-in, misfire scan), told to
     * every clustered Jobs of the JVM: in a real deployment there is one, and nodes that share a JVM
     * (tests) share their database too.
     */
    static void report(Throwable failure) {
        OPEN.forEach(o -> o.failed(failure));
    }

    boolean down() {
        return down.get();
    }

    /**
     * Told of a failure to use the database: when it is one of reaching it (not a bad statement),
     * and the first of an outage, says so and starts watching for the end. True when it was such
     * a failure.
     */
    boolean failed(Throwable failure) {
        if (!unreachable(failure)) {
            return false;
        }
        // a pooled connection found broken says nothing of why: the driver's own failure follows
        if (lost(failure) && !closed && down.compareAndSet(false, true)) {
            log.warn("jobs: the database is unreachable ({}); scheduled runs wait until it is back", reason(failure));
            Thread watcher = new Thread(this::watch, "jobs-database-watch-" + node);
            watcher.setDaemon(true);
            watcher.start();
        }
        return true;
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(PROBE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            try (Connection c = db.getConnection()) {
                if (c.isValid((int) Math.max(1, PROBE.toSeconds()))) {
                    down.set(false);
                    if (!closed) {
                        log.info("jobs: the database is back; scheduled runs go on");
                    }
                    return;
                }
            } catch (SQLException | RuntimeException e) {
                // still away
            }
        }
    }

    void close() {
        closed = true;
        OPEN.remove(this);
    }

    /**
     * Whether failure, or a cause of it, says the database could not be reached or went away: a
     * lost connection ({@link #lost}), or a pooled connection that broke with it.
     */
    static boolean unreachable(Throwable failure) {
        if (lost(failure)) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // HikariCP's stand-in for a connection it already found broken, which has no SQLSTATE
            if (t instanceof SQLException && "Connection is closed".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether failure, or a cause of it, is the driver's or the pool's word that the database
     * cannot be reached (SQLSTATE class 08, an administrator's shutdown 57P0x, a pool with no
     * connection to give), rather than that a statement was wrong.
     */
    static boolean lost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectException || connectionState(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean connectionState(Throwable t) {
        return t instanceof SQLException e && e.getSQLState() != null
                && (e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57P"));
    }

    /**
     * What the driver said, one line: the message of the innermost exception with an SQLSTATE of
     * a lost connection ("Connection refused", "terminating connection due to administrator
     * command"), else the innermost message.
     */
    private static String reason(Throwable failure) {
        Throwable said = null;
        Throwable inner = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            inner = t;
            if (connectionState(t)) {
                said = t;
            }
        }
        Throwable chosen = said != null ? said : inner;
        String message = chosen.getMessage() == null ? chosen.getClass().getSimpleName() : chosen.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
