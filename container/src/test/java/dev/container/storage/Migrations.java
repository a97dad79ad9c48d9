package dev.container.storage;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The schema migrations the container brings (db/postgres/V*.sql: the storage's V1 and those of
 * the parts that keep tables there), for tests that name the schema version a fresh database ends
 * at without writing down a number the next part's migration changes.
 */
public final class Migrations {
    /** Their versions, in order. */
    public static final List<Integer> VERSIONS = versions();
    /** How many a fresh database gets. */
    public static final int COUNT = VERSIONS.size();
    /** The version a fresh database ends at, as Flyway says it ("10"). */
    public static final String NEWEST = String.valueOf(VERSIONS.get(VERSIONS.size() - 1));

    private Migrations() {
    }

    private static List<Integer> versions() {
        try (var files = Files.list(Path.of(Schema.class.getResource("/db/postgres").toURI()))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).sorted().toList();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list db/postgres: " + e, e);
        }
    }
}
