package dev.container.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The tables of {@code storage { type = postgres }}, made and migrated by Flyway from the SQL
 * files in {@code db/postgres/} of the container's jar ({@code V1__...sql}: blobs and node
 * heartbeats; {@code V2}: Quartz's job store). Flyway's history is the table
 * {@value #HISTORY_TABLE} (not Flyway's default, which an app of the same database may use). Two
 * nodes migrating at once do not race: Flyway holds a PostgreSQL advisory lock while it migrates,
 * and the second one finds the work done. Stateless; thread-safe.
 */
public final class Schema {
    /** Where the migrations are, on the class path (in the shaded jar too). */
    public static final String LOCATION = "classpath:db/postgres";
    public static final String HISTORY_TABLE = "container_schema_history";

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

    /** Brings the schema of dataSource's database to the newest version this container has. */
    public static Migrated migrate(DataSource dataSource) {
        MigrateResult result;
        try {
            result = flyway(dataSource).migrate();
        } catch (FlywayException e) {
            if (!historyExists(dataSource)) {
                throw e;
            }
            // Two nodes on a fresh database: Flyway looks for its history table, then at whether the
            // schema is empty. When the other node made the table between the two looks, this one
            // takes the database for an app's, to baseline, and fails as the table is there and
            // still empty. Once more: Flyway finds the table, waits for the other node's migration
            // (its advisory lock) and finds the work done.
            result = flyway(dataSource).migrate();
        }
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion
                : current(dataSource).orElse("none");
        return new Migrated(version, result.migrationsExecuted);
    }

    private static boolean historyExists(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT to_regclass('" + HISTORY_TABLE + "') IS NOT NULL")) {
            return rows.next() && rows.getBoolean(1);
        } catch (SQLException e) {
            return false;
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
