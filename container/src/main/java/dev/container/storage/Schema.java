package dev.container.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The tables of {@code storage { type = postgres }}, made and migrated by Flyway from the SQL
 * files in {@code db/postgres/} of the container's jar ({@code V1__...sql}: blobs and node
 * heartbeats; {@code V2}: Quartz's job store). Flyway's history is the table
 * {@value #HISTORY_TABLE} (not Flyway's default, which an app of the same database may use). Two
 * nodes migrating at once do not race: each migrates under a PostgreSQL advisory lock of its own
 * (around Flyway's, which does not cover its first look at the database), and the second one
 * finds the work done ({@code V10}: the sessions of distributable apps). Stateless; thread-safe.
 */
public final class Schema {
    /** Where the migrations are, on the class path (in the shaded jar too). */
    public static final String LOCATION = "classpath:db/postgres";
    public static final String HISTORY_TABLE = "container_schema_history";
    /** The advisory lock the nodes migrate under, one at a time (not a storage name: it has a space). */
    private static final String LOCK = "schema migration";

    private Schema() {
    }

    /**
     * What a migration found and did.
     *
     * @param version the schema's version now ("1")
     * @param applied how many migrations this call applied (0: another node or an earlier start did)
     */
    public record Migrated(String version, int applied) {
    }

    /**
     * {@link #migrate(DataSource, Connection)} with a lock session of its own: for a pool made by
     * {@link Database#pool}, a connection made with the pool's settings outside it; for any other
     * DataSource, one of its connections (so it needs one more than Flyway's two).
     */
    public static Migrated migrate(DataSource dataSource) {
        try (Connection lockSession = lockSession(dataSource)) {
            return migrate(dataSource, lockSession);
        } catch (SQLException e) {
            throw Database.failure("cannot connect for the schema migration", e);
        }
    }

    private static Connection lockSession(DataSource dataSource) throws SQLException {
        if (dataSource instanceof com.zaxxer.hikari.HikariDataSource pool) {
            java.util.Properties properties = new java.util.Properties();
            properties.putAll(pool.getDataSourceProperties());
            if (pool.getUsername() != null) {
                properties.setProperty("user", pool.getUsername());
            }
            if (pool.getPassword() != null) {
                properties.setProperty("password", pool.getPassword());
            }
            Connection c = new org.postgresql.Driver().connect(pool.getJdbcUrl(), properties);
            if (c != null) {
                return c;
            }
        }
        return dataSource.getConnection();
    }

    /**
     * Brings the schema of dataSource's database to the newest version this container has,
     * holding the advisory lock of the migrations on lockSession (a connection of the same
     * database outside dataSource's pool) meanwhile. Flyway's own lock covers the migrations but not
     * its first look at the database: a second node could find the first one's new, still empty,
     * history table and refuse to baseline a schema that "already has one". Throws
     * {@link StorageException} when the lock cannot be had.
     */
    public static Migrated migrate(DataSource dataSource, Connection lockSession) {
        long key = PostgresStorage.key(LOCK);
        try (Statement s = lockSession.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + key + ")");
        } catch (SQLException e) {
            throw Database.failure("cannot take the lock of the schema migration", e);
        }
        try {
            MigrateResult result = flyway(dataSource).migrate();
            String version = result.targetSchemaVersion != null ? result.targetSchemaVersion
                    : current(dataSource).orElse("none");
            return new Migrated(version, result.migrationsExecuted);
        } finally {
            try (Statement s = lockSession.createStatement()) {
                s.execute("SELECT pg_advisory_unlock(" + key + ")");
            } catch (SQLException e) {
                // the session's end releases it
            }
        }
    }

    /** The version the database's schema is at; empty when the container's tables are not there yet. */
    public static Optional<String> current(DataSource dataSource) {
        MigrationInfo current = flyway(dataSource).info().current();
        return current == null || current.getVersion() == null ? Optional.empty() : Optional.of(current.getVersion().toString());
    }

    /** The newest version the migrations of this container bring ("1"). */
    public static String newest(DataSource dataSource) {
        MigrationInfoService info = flyway(dataSource).info();
        return Arrays.stream(info.all()).map(MigrationInfo::getVersion).filter(v -> v != null)
                .max(Comparable::compareTo).map(Object::toString).orElse("none");
    }

    private static Flyway flyway(DataSource dataSource) {
        return Flyway.configure(Schema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .loggers("slf4j")
                // a database that already has other tables (an app's) is fine: ours are named container_*
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
    }
}
