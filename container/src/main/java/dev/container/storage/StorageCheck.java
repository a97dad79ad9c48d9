package dev.container.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.container.config.StorageSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What {@code container validate} says of {@code storage { type = postgres }}: it connects as the
 * server would, reads the schema's version, and opens one stored secret with the key (a node with
 * another key could not read the certificates' keys). Changes nothing. Stateless.
 */
public final class StorageCheck {
    private StorageCheck() {
    }

    /**
     * One line on the database, as {@code container validate} prints it, or a {@link StorageException}
     * whose message says exactly what failed (refused, unknown host, password, another key), the
     * URL shown without its password.
     */
    public static String check(StorageSpec.InPostgres spec) {
        try (HikariDataSource pool = Database.pool(spec, "container-validate", StorageSpec.InPostgres.MIN_POOL_MAX,
                "container validate")) {
            String server = serverVersion(pool, spec);
            Optional<String> current = Schema.current(pool);
            String newest = Schema.newest(pool);
            String schema;
            if (current.isEmpty()) {
                schema = "no schema yet: the server makes it (version " + newest + ") at its first start";
            } else if (current.get().equals(newest)) {
                schema = "schema version " + current.get() + " (up to date)";
            } else if (newer(current.get(), newest)) {
                schema = "schema version " + current.get() + ", newer than this container's (" + newest
                        + "): a newer node migrated it; this one runs on it";
            } else {
                schema = "schema version " + current.get() + ": the server migrates it to " + newest + " at start";
            }
            String secrets = current.isEmpty() ? "" : secrets(pool, spec);
            return "storage: postgres at " + Database.where(spec) + ": connected (" + server + "), " + schema + secrets;
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Database.failure("cannot read the schema of " + Database.where(spec), e);
        }
    }

    private static String serverVersion(HikariDataSource pool, StorageSpec.InPostgres spec) {
        try (Connection c = pool.getConnection()) {
            return c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            throw Database.failure("cannot connect to " + Database.where(spec), e);
        }
    }

    /** ", the key opens the stored secrets", or nothing when there are none; throws when the key does not. */
    private static String secrets(HikariDataSource pool, StorageSpec.InPostgres spec) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT name, content FROM container_blobs WHERE secret ORDER BY modified DESC LIMIT 1");
             ResultSet rows = s.executeQuery()) {
            if (!rows.next()) {
                return "";
            }
            new SecretBox(spec.key()).open(rows.getString(1), rows.getBytes(2));
            return "; the storage key (" + spec.key().source() + ") opens the stored secrets";
        } catch (SQLException e) {
            throw Database.failure("cannot read the stored secrets in " + Database.where(spec), e);
        }
    }

    private static boolean newer(String version, String than) {
        return org.flywaydb.core.api.MigrationVersion.fromVersion(version)
                .compareTo(org.flywaydb.core.api.MigrationVersion.fromVersion(than)) > 0;
    }
}
