package dev.container.sessions;

import dev.container.storage.Database;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the session store can be reached, as the requests and the sweeper found it. Once an
 * operation lost its connection the store is down: one warning is logged, and requests fail at
 * once ({@link #requireUp}) instead of each waiting for the pool's connection timeout; only
 * {@link #probed} (the sweeper's check, every second while down) brings it back, with one line.
 * So an outage is two lines in the log however many requests it refused. Thread-safe.
 */
final class StoreHealth {
    private static final Logger log = LoggerFactory.getLogger("container");

    private final AtomicReference<Instant> downSince = new AtomicReference<>();
    private final Runnable whenDown;

    /** @param whenDown called once when the store goes down: wakes the sweeper, to start checking */
    StoreHealth(Runnable whenDown) {
        this.whenDown = whenDown;
    }

    /** Throws {@link SessionsUnavailable} while the store is down. */
    void requireUp() {
        if (downSince.get() != null) {
            throw new SessionsUnavailable("the session store is down");
        }
    }

    boolean up() {
        return downSince.get() == null;
    }

    /** Since when the store is down, when it is. */
    Optional<Instant> downSince() {
        return Optional.ofNullable(downSince.get());
    }

    /** An operation lost its connection (e, which {@link #connectionLost} said yes to). */
    void failed(SQLException e) {
        if (downSince.compareAndSet(null, Instant.now())) {
            log.warn("sessions: PostgreSQL cannot be reached ({}); the distributable apps answer 503 to requests"
                    + " that need their session until it is back", describe(e));
            whenDown.run();
        }
    }

    /** The sweeper's check reached the store. */
    void probed() {
        Instant since = downSince.getAndSet(null);
        if (since != null) {
            log.info("sessions: PostgreSQL reachable again after {} s; the distributable apps' sessions are served again",
                    Duration.between(since, Instant.now()).toSeconds());
        }
    }

    /**
     * Whether e means the database could not be reached or went away (rather than refusing a
     * statement), as the storage tells it: connection errors, a server shutting down or starting,
     * too many connections, the pool's timeout waiting for one.
     */
    static boolean connectionLost(SQLException e) {
        return Database.unavailable(e);
    }

    /**
     * The driver's own message ("Connection to 127.0.0.1:5432 refused. Check that ..."), first
     * line: the innermost SQLException of the chain, not the pool's wrapping of it.
     */
    static String describe(Throwable e) {
        Throwable chosen = e;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException) {
                chosen = t;
            }
        }
        String message = chosen.getMessage() == null ? chosen.getClass().getSimpleName() : chosen.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
