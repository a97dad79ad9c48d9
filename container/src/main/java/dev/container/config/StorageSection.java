package dev.container.config;

import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code storage}: {@code storage { type = files }} (the default: the state directory), or
 * {@code storage { type = postgres, url = "jdbc:postgresql://db:5432/container", user = container,
 * password = ${?PGPASSWORD}, key-file = /etc/container/storage.key, pool { max = 10 } }} for a
 * cluster. A database storage needs a key for the private keys it keeps (key-file, else the
 * environment variable {@link StorageKey#VARIABLE}), read here so that a missing or malformed key
 * is a config error with its line, not a failure at the first certificate.
 */
final class StorageSection {
    /** The keys of the storage section and its pool, for unknown-key checking ({@link ConfigFile#KEYS}). */
    static final Map<String, List<String>> KEYS = Map.of(
            "storage", List.of("type", "url", "user", "password", "key-file", "pool", "node"),
            "storage.pool", List.of("max"));
    private static final List<String> TYPES = List.of("files", "postgres");
    /** The keys that only a database storage has. */
    private static final List<String> POSTGRES_ONLY = List.of("url", "user", "password", "key-file", "pool", "node");
    private static final String URL_EXAMPLE = "jdbc:postgresql://db.example.com:5432/container";
    private static final int MAX_POOL = 1000;

    private StorageSection() {
    }

    /** The storage section, the environment giving the key when the section names no key-file. */
    static StorageSpec read(Section top, Map<String, String> environment) {
        Optional<Section> found = top.section("storage", "storage");
        if (found.isEmpty()) {
            return StorageSpec.FILES;
        }
        Section s = found.get();
        String type = s.choice("type", TYPES).orElse(null);
        if (type == null) {
            if (s.object.get("type") == null) {
                s.reading.problem(s.at, s.object, "expected type = files or type = postgres");
            }
            s.read.addAll(KEYS.get("storage")); // the other keys mean nothing without a type
            s.finish();
            return StorageSpec.FILES;
        }
        if (type.equals("files")) {
            for (String key : POSTGRES_ONLY) {
                if (s.has(key) != null) {
                    s.problemAt(key, key + " is for type = postgres; this storage is files (the state directory)");
                }
            }
            s.finish();
            return StorageSpec.FILES;
        }
        return postgres(s, environment);
    }

    private static StorageSpec postgres(Section s, Map<String, String> environment) {
        Optional<String> url = s.string("url").map(String::strip);
        if (url.isEmpty() && s.object.get("url") == null) {
            s.problemAt("type", "type = postgres needs url = \"" + URL_EXAMPLE + "\"");
        }
        if (url.isPresent() && !url.get().startsWith("jdbc:postgresql:")) {
            s.problemAt("url", "expected a PostgreSQL JDBC URL such as " + URL_EXAMPLE + ", got '"
                    + StorageSpec.InPostgres.safeUrl(url.get()) + "'");
            url = Optional.empty();
        } else if (url.isPresent() && org.postgresql.Driver.parseURL(url.get(), null) == null) {
            s.problemAt("url", "not a valid PostgreSQL JDBC URL: '" + StorageSpec.InPostgres.safeUrl(url.get())
                    + "' (expected the form " + URL_EXAMPLE + ")");
            url = Optional.empty();
        }
        Optional<String> user = s.string("user").filter(u -> !u.isBlank());
        Optional<String> password = s.string("password").filter(p -> !p.isEmpty()); // ${?PGPASSWORD} unset: none
        int poolMax = s.section("pool", "storage.pool").map(p -> {
            int max = p.integer("max", StorageSpec.InPostgres.MIN_POOL_MAX, MAX_POOL).orElse(StorageSpec.InPostgres.DEFAULT_POOL_MAX);
            p.finish();
            return max;
        }).orElse(StorageSpec.InPostgres.DEFAULT_POOL_MAX);
        Optional<String> node = s.string("node").map(String::strip);
        if (node.isPresent() && !StorageSpec.InPostgres.NODE.matcher(node.get()).matches()) {
            s.problemAt("node", "expected a node name of 1 to 40 letters, digits, '.', '-' and '_' (starting with a"
                    + " letter or digit), such as web1, got '" + node.get() + "'");
            node = Optional.empty();
        }
        Optional<StorageKey> key = key(s, environment);
        s.finish();
        if (url.isEmpty() || key.isEmpty()) {
            return StorageSpec.FILES; // with the problems said
        }
        return new StorageSpec.InPostgres(url.get(), user, password, key.get(), poolMax, node);
    }

    /** The key of key-file, else of the environment; empty, having said why, when there is none or it is bad. */
    private static Optional<StorageKey> key(Section s, Map<String, String> environment) {
        ConfigValue file = s.object.get("key-file");
        Optional<Path> path = s.path("key-file");
        if (path.isPresent()) {
            Path keyFile = path.get();
            String text;
            try {
                text = Files.readString(keyFile);
            } catch (NoSuchFileException e) {
                s.problemAt("key-file", "no such file: " + keyFile + " (make one: umask 077; " + StorageKey.HOW_TO_MAKE
                        + " > " + keyFile + ")");
                return Optional.empty();
            } catch (IOException e) {
                s.problemAt("key-file", "cannot read " + keyFile + ": " + e.getMessage());
                return Optional.empty();
            }
            try {
                return Optional.of(StorageKey.parse(text, "key-file " + keyFile));
            } catch (IllegalArgumentException e) {
                s.problemAt("key-file", keyFile + ": " + e.getMessage());
                return Optional.empty();
            }
        }
        if (file != null) {
            return Optional.empty(); // said by path()
        }
        String variable = environment.get(StorageKey.VARIABLE);
        if (variable == null || variable.isBlank()) {
            s.problemAt("type", "type = postgres needs a key to encrypt the private keys it stores in the database:"
                    + " set key-file = /path/to/storage.key, or the environment variable " + StorageKey.VARIABLE
                    + ", to the base64 of 32 random bytes (make one with " + StorageKey.HOW_TO_MAKE + ")");
            return Optional.empty();
        }
        try {
            return Optional.of(StorageKey.parse(variable, StorageKey.VARIABLE));
        } catch (IllegalArgumentException e) {
            s.problemAt("type", "the environment variable " + StorageKey.VARIABLE + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}
