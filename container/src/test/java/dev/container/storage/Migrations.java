package dev.container.storage;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The schema migrations the container brings (db/postgres/V*.sql: the storage's V1 and those of
 * the parts that keep tables there), for tests that name the schema version a fresh database ends
 * at without writing down a number the next part's migration changes. Read from the class path:
 * target/classes, or the jar under failsafe.
 */
public final class Migrations {
    /** Their versions, in order (V2_1__x.sql is 2.1, as Flyway reads it). */
    public static final List<MigrationVersion> VERSIONS = versions();
    /** How many a fresh database gets. */
    public static final int COUNT = VERSIONS.size();
    /** The version a fresh database ends at, as Flyway says it ("10"). */
    public static final String NEWEST = VERSIONS.get(VERSIONS.size() - 1).toString();

    private Migrations() {
    }

    private static List<MigrationVersion> versions() {
        try {
            URI uri = Schema.class.getResource("/db/postgres").toURI();
            if (!uri.getScheme().equals("jar")) {
                return versions(Path.of(uri)); // target/classes
            }
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) { // the jar (failsafe)
                return versions(jar.provider().getPath(uri));
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list db/postgres: " + e, e);
        }
    }

    private static List<MigrationVersion> versions(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V[0-9_]+__.*\\.sql"))
                    .map(n -> MigrationVersion.fromVersion(n.substring(1, n.indexOf("__")).replace('_', '.')))
                    .sorted().toList();
        }
    }
}
