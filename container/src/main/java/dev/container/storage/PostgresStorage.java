package dev.container.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.container.config.StorageSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link Storage} in PostgreSQL ({@code storage { type = postgres }}), shared by the nodes of a
 * cluster: blobs are rows of {@code container_blobs} (a put is one upsert), secrets are
 * encrypted before they leave the node ({@link SecretBox}, the storage key). Statements run on a
 * HikariCP pool ({@link #dataSource()}, which the job store and the sessions may share).
 *
 * <p>A lock is a PostgreSQL session-level advisory lock ({@code pg_advisory_lock} on a 64-bit
 * hash of its name) taken on a connection of its own, outside the pool, held open for the
 * lease: when the node dies its sessions end and the database releases the lock. The session
 * sends TCP keepalives so that the database notices a node that vanished without closing its
 * connections (power cut, network gone) within about a minute; a process that is killed closes
 * them at once.
 *
 * <p>{@link #signal} is a NOTIFY; {@link #subscribe} a LISTEN on one more session of its own
 * ({@link Notifications}), made again when it breaks.
 *
 * <p>{@link #open} makes the pool and migrates the schema. Thread-safe.
 */
public final class PostgresStorage implements Storage, AutoCloseable {
    /** The pool of the storage, as its threads and log lines name it. */
    static final String POOL_NAME = "container-storage";
    /** How soon the database ends a lock's session whose node stopped answering: 30 s idle, then 3 probes 10 s apart. */
    private static final List<String> LOCK_SESSION = List.of(
            "SET tcp_keepalives_idle = 30", "SET tcp_keepalives_interval = 10", "SET tcp_keepalives_count = 3");
    /** Since PostgreSQL 14: a database that ends idle sessions would end a held lock with it. */
    private static final String NO_IDLE_TIMEOUT = "SET idle_session_timeout = 0";

    private final StorageSpec.InPostgres spec;
    private final String applicationName;
    private final HikariDataSource pool;
    private final SecretBox box;
    private final Schema.Migrated schema;
    /** LISTEN on a session of its own, from the first {@link #subscribe}. */
    private final Notifications notifications;

    private PostgresStorage(StorageSpec.InPostgres spec, String applicationName, HikariDataSource pool, Schema.Migrated schema) {
        this.spec = spec;
        this.applicationName = applicationName;
        this.pool = pool;
        this.box = new SecretBox(spec.key());
        this.schema = schema;
        this.notifications = new Notifications(() -> Database.connect(spec, applicationName));
    }

    /**
     * Connects to the database of spec (a pool of spec.poolMax() connections, its sessions named
     * applicationName) and migrates its schema to this version's. Throws a {@link StorageException}
     * ({@link StorageUnavailableException} when the database cannot be reached), having closed
     * what it opened.
     */
    public static PostgresStorage open(StorageSpec.InPostgres spec, String applicationName) {
        HikariDataSource pool = Database.pool(spec, POOL_NAME, spec.poolMax(), applicationName);
        try (Connection lockSession = Database.connect(spec, applicationName)) {
            Schema.Migrated migrated = Schema.migrate(pool, lockSession);
            return new PostgresStorage(spec, applicationName, pool, migrated);
        } catch (SQLException e) {
            pool.close();
            throw Database.failure("cannot connect to " + Database.where(spec), e);
        } catch (RuntimeException e) {
            pool.close();
            if (e instanceof StorageException) {
                throw e;
            }
            throw Database.failure("cannot migrate the schema of " + Database.where(spec), e);
        }
    }

    /** The pool: for the parts of a cluster that keep their own tables here (jobs, sessions). Closed with the storage. */
    public DataSource dataSource() {
        return pool;
    }

    /** The schema's version after {@link #open}, and how many migrations it applied. */
    public Schema.Migrated schema() {
        return schema;
    }

    public StorageSpec.InPostgres spec() {
        return spec;
    }

    @Override
    public Optional<byte[]> get(String name) {
        Storage.checkName(name);
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT content, secret FROM container_blobs WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rows = s.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                byte[] content = rows.getBytes(1);
                return Optional.of(rows.getBoolean(2) ? box.open(name, content) : content);
            }
        } catch (SQLException e) {
            throw Database.failure("cannot read " + name + " from " + spec.safeUrl(), e);
        }
    }

    @Override
    public void put(String name, byte[] content) {
        upsert(Storage.checkName(name), content, false);
    }

    @Override
    public void putSecret(String name, byte[] content) {
        upsert(Storage.checkName(name), box.seal(name, content), true);
    }

    private void upsert(String name, byte[] content, boolean secret) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO container_blobs (name, content, secret, modified) VALUES (?, ?, ?, now())"
                        + " ON CONFLICT (name) DO UPDATE SET content = excluded.content, secret = excluded.secret,"
                        + " modified = excluded.modified")) {
            s.setString(1, name);
            s.setBytes(2, content);
            s.setBoolean(3, secret);
            s.executeUpdate();
        } catch (SQLException e) {
            throw Database.failure("cannot write " + name + " to " + spec.safeUrl(), e);
        }
    }

    @Override
    public boolean delete(String name) {
        Storage.checkName(name);
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM container_blobs WHERE name = ?")) {
            s.setString(1, name);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw Database.failure("cannot delete " + name + " from " + spec.safeUrl(), e);
        }
    }

    @Override
    public List<Item> list(String prefix) {
        Storage.checkPrefix(prefix);
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT name, modified, octet_length(content), secret FROM container_blobs"
                        + " WHERE name LIKE ? ESCAPE '\\' ORDER BY name")) {
            s.setString(1, prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            List<Item> items = new ArrayList<>();
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    long size = rows.getLong(3) - (rows.getBoolean(4) ? SecretBox.OVERHEAD : 0);
                    items.add(new Item(rows.getString(1), rows.getTimestamp(2).toInstant(), size));
                }
            }
            return items;
        } catch (SQLException e) {
            throw Database.failure("cannot list " + (prefix.isEmpty() ? "the storage" : prefix) + " in " + spec.safeUrl(), e);
        }
    }

    @Override
    public Lease lock(String name, Duration wait) {
        if (wait.isZero() || wait.isNegative()) {
            return tryLock(name).orElseThrow(() -> new LockTimeoutException("the lock " + name + " is held by another holder"));
        }
        long key = key(Storage.checkName(name));
        Connection c = lockSession(name);
        try (Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = " + Math.max(1, wait.toMillis()));
            try {
                s.execute("SELECT pg_advisory_lock(" + key + ")");
            } catch (SQLException e) {
                if ("55P03".equals(e.getSQLState())) { // lock_not_available: lock_timeout ran out
                    throw new LockTimeoutException("the lock " + name + " is still held by another holder after "
                            + wait.toMillis() + " ms");
                }
                throw e;
            }
            s.execute("SET lock_timeout = 0");
            return new AdvisoryLease(name, key, c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw Database.failure("cannot take the lock " + name + " in " + spec.safeUrl(), e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    @Override
    public Optional<Lease> tryLock(String name) {
        long key = key(Storage.checkName(name));
        Connection c = lockSession(name);
        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT pg_try_advisory_lock(" + key + ")")) {
            rows.next();
            if (rows.getBoolean(1)) {
                return Optional.of(new AdvisoryLease(name, key, c));
            }
            closeQuietly(c);
            return Optional.empty();
        } catch (SQLException e) {
            closeQuietly(c);
            throw Database.failure("cannot take the lock " + name + " in " + spec.safeUrl(), e);
        }
    }

    /** A new session for a lock, not the pool's: the lock lives as long as it does. */
    private Connection lockSession(String name) {
        Connection c;
        try {
            c = Database.connect(spec, applicationName);
        } catch (SQLException e) {
            throw Database.failure("cannot take the lock " + name + ": cannot connect to " + Database.where(spec), e);
        }
        try (Statement s = c.createStatement()) {
            for (String setting : LOCK_SESSION) {
                s.execute(setting);
            }
            try {
                s.execute(NO_IDLE_TIMEOUT);
            } catch (SQLException olderThan14) {
                // no such setting: no such timeout either
            }
            return c;
        } catch (SQLException e) {
            closeQuietly(c);
            throw Database.failure("cannot take the lock " + name + " in " + spec.safeUrl(), e);
        }
    }

    /** The advisory lock key of a name: the first 64 bits of its SHA-256, in a namespace of the container's own. */
    static long key(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(("container lock " + name).getBytes(StandardCharsets.UTF_8));
            long key = 0;
            for (int i = 0; i < 8; i++) {
                key = (key << 8) | (hash[i] & 0xff);
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the session ends either way, and its locks with it
        }
    }

    /** NOTIFY on the channel every node's {@link #subscribe} listens to (pg_notify, on the pool). */
    @Override
    public void signal(String topic) {
        try {
            Notifications.signal(pool, topic);
        } catch (SQLException e) {
            throw Database.failure("cannot signal " + topic + " in " + spec.safeUrl(), e);
        }
    }

    /** LISTEN, on one session of this storage's own for every subscription (see {@link Notifications}). */
    @Override
    public Subscription subscribe(String topic, Runnable changed) {
        return notifications.subscribe(topic, changed);
    }

    /** Stops listening and closes the pool. Held leases stay held until they are closed. Safe to call twice. */
    @Override
    public void close() {
        notifications.close();
        pool.close();
    }

    @Override
    public String describe() {
        return "postgres at " + Database.where(spec);
    }

    @Override
    public String toString() {
        return "PostgresStorage[" + Database.where(spec) + "]";
    }

    /** A lock held by its own session. */
    private static final class AdvisoryLease implements Lease {
        private final String name;
        private final long key;
        private final Connection session;
        private boolean closed;

        AdvisoryLease(String name, long key, Connection session) {
            this.name = name;
            this.key = key;
            this.session = session;
        }

        @Override
        public String name() {
            return name;
        }

        /** Asks the database: false once the session is gone (and the lock with it). */
        @Override
        public synchronized boolean held() {
            if (closed) {
                return false;
            }
            try {
                return session.isValid(2);
            } catch (SQLException e) {
                return false;
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try (Statement s = session.createStatement()) {
                s.execute("SELECT pg_advisory_unlock(" + key + ")");
            } catch (SQLException e) {
                // the session is gone, and the lock with it
            }
            closeQuietly(session);
        }

        @Override
        public String toString() {
            return "lease " + name;
        }
    }
}
