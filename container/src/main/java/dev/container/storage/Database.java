package dev.container.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.container.config.StorageSpec;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;

/**
 * Connections to the PostgreSQL of {@code storage { type = postgres }}, made one way for every
 * part that uses it: a HikariCP pool ({@link #pool}, what the storage, and the job store and the
 * sessions of a cluster, run their statements on) and single connections held for a lock
 * ({@link #connect}). Every connection carries the node's application name (so
 * {@code pg_stat_activity} tells the nodes apart) and TCP keepalives; a connection attempt gives
 * up after {@link #CONNECT_TIMEOUT}. Also tells a failure of the database being away
 * ({@link StorageUnavailableException}) from any other ({@link #failure}). Stateless.
 */
public final class Database {
    /** How long a connection attempt, or a wait for a pooled connection, may take. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * SQLSTATEs of a database that is away or going (besides class 08, connection exceptions):
     * admin_shutdown, crash_shutdown, cannot_connect_now (starting up), too_many_connections.
     */
    private static final Set<String> AWAY = Set.of("57P01", "57P02", "57P03", "53300");
    /**
     * The driver logs each failed connection attempt through java.util.logging, stack trace and
     * all, where the storage says it once: kept quiet (held here, as JUL holds its loggers weakly).
     */
    private static final java.util.logging.Logger DRIVER_LOG = java.util.logging.Logger.getLogger("org.postgresql");

    static {
        DRIVER_LOG.setLevel(java.util.logging.Level.OFF);
    }

    private Database() {
    }

    /**
     * A pool of at most max connections to the database of spec, named name (its threads and log
     * lines say so), its sessions named applicationName. It opens its first connection at once and
     * throws a {@link StorageException} when that fails ({@link StorageUnavailableException} when
     * the database cannot be reached). Close it when done.
     */
    public static HikariDataSource pool(StorageSpec.InPostgres spec, String name, int max, String applicationName) {
        QuietPools.add(name); // its trouble is the storage's to say, once
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setDriverClassName(org.postgresql.Driver.class.getName());
        config.setJdbcUrl(spec.url());
        spec.user().ifPresent(config::setUsername);
        spec.password().ifPresent(config::setPassword);
        config.setDataSourceProperties(properties(spec, applicationName));
        config.setMaximumPoolSize(max);
        config.setMinimumIdle(Math.min(2, max));
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.setValidationTimeout(Math.min(CONNECT_TIMEOUT.toMillis(), 3_000));
        // a statement of the container's own is small: one that takes a minute is a database in trouble
        config.addDataSourceProperty("socketTimeout", "60");
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw failure("cannot connect to " + where(spec), cause);
        }
    }

    /** A connection of its own (not the pool's), for a session that holds a lock; its caller closes it. */
    static Connection connect(StorageSpec.InPostgres spec, String applicationName) throws SQLException {
        Properties properties = properties(spec, applicationName);
        spec.user().ifPresent(u -> properties.setProperty("user", u));
        spec.password().ifPresent(p -> properties.setProperty("password", p));
        Connection connection = new org.postgresql.Driver().connect(spec.url(), properties);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver does not take the URL " + spec.safeUrl());
        }
        return connection;
    }

    private static Properties properties(StorageSpec.InPostgres spec, String applicationName) {
        Properties p = new Properties();
        p.setProperty("ApplicationName", applicationName.length() > 63 ? applicationName.substring(0, 63) : applicationName);
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
        p.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT.toSeconds()));
        return p;
    }

    /** "jdbc:postgresql://db:5432/container as container": the database and user, without the password. */
    public static String where(StorageSpec.InPostgres spec) {
        return spec.safeUrl() + spec.user().map(u -> " as " + u).orElse("");
    }

    /**
     * The exception for a failure while doing something: {@link StorageUnavailableException} when
     * the database is away (refused, unreachable, timed out, shutting down, the pool's wait ran out),
     * else a {@link StorageException}; its message is doing, then the driver's one-line reason.
     */
    public static StorageException failure(String doing, Throwable e) {
        String message = doing + ": " + reason(e);
        return unavailable(e) ? new StorageUnavailableException(message, e) : new StorageException(message, e);
    }

    /** Whether e (or a cause) says the database cannot be reached now. */
    public static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException || t instanceof java.io.EOFException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || AWAY.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** The first line of the driver's message when it gave one (not the pool's wrapper), else of the first message. */
    static String reason(Throwable e) {
        String reason = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage() + " (the name does not resolve)"; // the driver says only "attempt failed"
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message == null || message.isBlank()) {
                continue;
            }
            if (t instanceof org.postgresql.util.PSQLException) {
                reason = message;
                break;
            }
            if (reason == null) {
                reason = message;
            }
        }
        if (reason == null) {
            reason = e.getClass().getSimpleName();
        }
        int newline = reason.indexOf('\n');
        return (newline < 0 ? reason : reason.substring(0, newline)).strip();
    }
}
