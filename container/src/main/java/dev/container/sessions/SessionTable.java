package dev.container.sessions;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The {@code container_sessions} table (db/postgres/V10__container_sessions.sql): one row a session, keyed
 * by app and id. Times that decide expiry are the database's ({@code now()}), so that nodes whose
 * clocks differ agree on which sessions have expired. Each operation takes a connection from the
 * pool and gives it back; one whose connection was lost is tried once more (a PostgreSQL restart
 * leaves dead connections in the pool), then reported to the {@link StoreHealth} and thrown as
 * {@link SessionsUnavailable}; while the store is down, operations fail at once. Thread-safe.
 */
final class SessionTable {
    /** How often the last access of a session in use is written, at most (a fifth of a short timeout). */
    static final Duration TOUCH = Duration.ofSeconds(5);
    /** Two-key advisory locks: this first key is the sessions' own, the second the app's hash. */
    private static final int LOCK_SPACE = 0x5e55_1075;

    /** A session as stored. */
    record Row(String id, Instant created, Instant lastAccess, int maxInactive, byte[] attributes) {
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;
    private final StoreHealth health;

    SessionTable(DataSource dataSource, StoreHealth health) {
        this.dataSource = dataSource;
        this.health = health;
    }

    StoreHealth health() {
        return health;
    }

    /**
     * The session, unless it is unknown or expired; its last access is moved to now when the
     * stored one is older than {@link #TOUCH} (or a fifth of its timeout), so that a session in
     * use stays alive without a write per request. The row returned is as it was before.
     */
    Optional<Row> load(String app, String id) {
        return run("load a session", c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    WITH found AS (
                        SELECT id, created, last_access, max_inactive, attributes FROM container_sessions
                        WHERE app = ? AND id = ? AND (expires IS NULL OR expires > now())
                    ), touched AS (
                        UPDATE container_sessions t SET last_access = now(),
                            expires = CASE WHEN t.max_inactive > 0 THEN now() + t.max_inactive * interval '1 second' END
                        FROM found f
                        WHERE t.app = ? AND t.id = f.id
                            AND t.last_access < now() - interval '1 second' * CASE WHEN t.max_inactive > 0
                                THEN least(?, t.max_inactive / 5.0) ELSE ? END
                        RETURNING t.id
                    )
                    SELECT id, created, last_access, max_inactive, attributes FROM found
                    """)) {
                s.setString(1, app);
                s.setString(2, id);
                s.setString(3, app);
                s.setLong(4, TOUCH.toSeconds());
                s.setLong(5, TOUCH.toSeconds());
                try (ResultSet rows = s.executeQuery()) {
                    return rows.next() ? Optional.of(row(rows)) : Optional.empty();
                }
            }
        });
    }

    /** Stores a new session; false when one of that id exists already. */
    boolean insert(String app, String id, Instant created, int maxInactive, byte[] attributes) {
        return run("store a new session", c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO container_sessions (app, id, created, last_access, max_inactive, expires, attributes)
                    VALUES (?, ?, ?, now(), ?, CASE WHEN ? > 0 THEN now() + ? * interval '1 second' END, ?)
                    ON CONFLICT (app, id) DO NOTHING
                    """)) {
                s.setString(1, app);
                s.setString(2, id);
                s.setObject(3, OffsetDateTime.ofInstant(created, ZoneOffset.UTC));
                s.setInt(4, maxInactive);
                s.setInt(5, maxInactive);
                s.setInt(6, maxInactive);
                s.setBytes(7, attributes);
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Writes a session's attributes and timeout; false when it is gone (expired, or invalidated on another node). */
    boolean update(String app, String id, int maxInactive, byte[] attributes) {
        return run("store a session", c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE container_sessions SET attributes = ?, max_inactive = ?, last_access = now(),
                        expires = CASE WHEN ? > 0 THEN now() + ? * interval '1 second' END
                    WHERE app = ? AND id = ?
                    """)) {
                s.setBytes(1, attributes);
                s.setInt(2, maxInactive);
                s.setInt(3, maxInactive);
                s.setInt(4, maxInactive);
                s.setString(5, app);
                s.setString(6, id);
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Removes a session (invalidated); whether it was there. */
    boolean delete(String app, String id) {
        return run("remove a session", c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM container_sessions WHERE app = ? AND id = ?")) {
                s.setString(1, app);
                s.setString(2, id);
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Gives a session a new id (changeSessionId); false when it is gone. */
    boolean changeId(String app, String oldId, String newId) {
        return run("change a session's id", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE container_sessions SET id = ? WHERE app = ? AND id = ?")) {
                s.setString(1, newId);
                s.setString(2, app);
                s.setString(3, oldId);
                return s.executeUpdate() == 1;
            }
        });
    }

    /** The ids of the app's sessions that have not expired. */
    Set<String> ids(String app) {
        return run("list sessions", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id FROM container_sessions WHERE app = ? AND (expires IS NULL OR expires > now())")) {
                s.setString(1, app);
                Set<String> ids = new HashSet<>();
                try (ResultSet rows = s.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
                return ids;
            }
        });
    }

    /**
     * Removes up to limit expired sessions of the app and returns them, for their listeners;
     * nothing when another node is sweeping the app (its advisory lock, held for this transaction
     * only, so a node that dies while sweeping lets go of it with its connection).
     */
    List<Row> sweep(String app, int limit) {
        return run("remove expired sessions", c -> {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, hashtext(?))")) {
                    lock.setInt(1, LOCK_SPACE);
                    lock.setString(2, app);
                    try (ResultSet rows = lock.executeQuery()) {
                        rows.next();
                        if (!rows.getBoolean(1)) {
                            c.rollback();
                            return List.of();
                        }
                    }
                }
                List<Row> removed = new ArrayList<>();
                try (PreparedStatement s = c.prepareStatement("""
                        DELETE FROM container_sessions WHERE app = ? AND id IN (
                            SELECT id FROM container_sessions WHERE app = ? AND expires < now()
                            ORDER BY expires LIMIT ? FOR UPDATE SKIP LOCKED)
                        RETURNING id, created, last_access, max_inactive, attributes
                        """)) {
                    s.setString(1, app);
                    s.setString(2, app);
                    s.setInt(3, limit);
                    try (ResultSet rows = s.executeQuery()) {
                        while (rows.next()) {
                            removed.add(row(rows));
                        }
                    }
                }
                c.commit();
                return removed;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                autoCommitQuietly(c);
            }
        });
    }

    /**
     * Removes, without listeners, sessions that expired more than {@code after} ago: those of apps
     * no node serves any more, which no node's sweep looks at. How many.
     */
    int purgeAbandoned(Duration after) {
        return run("remove abandoned sessions", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM container_sessions WHERE expires < now() - ? * interval '1 second'")) {
                s.setLong(1, after.toSeconds());
                return s.executeUpdate();
            }
        });
    }

    /** How long until the next of these apps' sessions expires (zero or less: some have); empty when none will. */
    Optional<Duration> nextExpiry(Collection<String> apps) {
        return run("look for expiring sessions", c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT extract(epoch FROM min(expires) - now()) FROM container_sessions WHERE app = ANY (?)")) {
                s.setArray(1, c.createArrayOf("text", apps.toArray()));
                try (ResultSet rows = s.executeQuery()) {
                    rows.next();
                    double seconds = rows.getDouble(1);
                    return rows.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis((long) (seconds * 1000)));
                }
            }
        });
    }

    /** Whether the store answers, bypassing {@link StoreHealth#requireUp}: the sweeper's check while it is down. */
    boolean probe() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("SELECT 1")) {
            s.executeQuery().close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private <T> T run(String what, Work<T> work) {
        health.requireUp();
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                return work.run(c);
            } catch (SQLException e) {
                if (!StoreHealth.connectionLost(e)) {
                    throw new IllegalStateException("sessions: cannot " + what + ": " + StoreHealth.describe(e), e);
                }
                // A connection the pool had kept across a restart of the database: once more with
                // another; but a pool that waited its whole timeout for one already said enough.
                if (attempt == 1 && !(e instanceof SQLTransientConnectionException)) {
                    continue;
                }
                health.failed(e);
                throw new SessionsUnavailable("cannot " + what + ": " + StoreHealth.describe(e));
            }
        }
    }

    private static Row row(ResultSet rows) throws SQLException {
        return new Row(rows.getString(1), rows.getObject(2, OffsetDateTime.class).toInstant(),
                rows.getObject(3, OffsetDateTime.class).toInstant(), rows.getInt(4), rows.getBytes(5));
    }

    private static void autoCommitQuietly(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            // the connection is broken; the pool drops it
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is broken; the pool drops it, and the transaction with it
        }
    }
}
