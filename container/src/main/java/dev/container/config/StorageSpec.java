package dev.container.config;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the state that several container nodes may share lives (config section {@code storage}):
 * the certificates, keys and ACME accounts, challenge tokens, and the locks around them.
 * {@link InFiles} (the default) keeps them in the state directory, for one machine; {@link InPostgres}
 * in a PostgreSQL database that every node of a cluster reaches. Immutable values.
 */
public sealed interface StorageSpec permits StorageSpec.InFiles, StorageSpec.InPostgres {
    /** The default: the state directory ({@code storage { type = files }}). */
    StorageSpec FILES = new InFiles();

    /** Whether this is a storage several nodes can share. */
    default boolean shared() {
        return this instanceof InPostgres;
    }

    /** The state directory, as without a storage section. */
    record InFiles() implements StorageSpec {
    }

    /**
     * A PostgreSQL database.
     *
     * @param url the JDBC URL, {@code jdbc:postgresql://HOST[:PORT]/DATABASE[?...]}
     * @param user the user to connect as; empty for the URL's or the driver's default
     * @param password its password; empty for none given (the URL's, or ~/.pgpass)
     * @param key encrypts the private keys stored in the database
     * @param poolMax the most connections this node keeps open (its pool, besides one per held lock)
     */
    record InPostgres(String url, Optional<String> user, Optional<String> password, StorageKey key, int poolMax)
            implements StorageSpec {
        /** Ten, HikariCP's default: the container's own use is light (a few rows a minute and each lock). */
        public static final int DEFAULT_POOL_MAX = 10;
        /** Two: the schema migration at start (Flyway) holds two connections at once. */
        public static final int MIN_POOL_MAX = 2;
        private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

        public InPostgres {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(key, "key");
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + safeUrl(url));
            }
            if (poolMax < MIN_POOL_MAX) {
                throw new IllegalArgumentException("a pool of at least " + MIN_POOL_MAX + " connections, got " + poolMax);
            }
        }

        /** The URL as it may be printed: a password= parameter in it shows as ***. */
        public String safeUrl() {
            return safeUrl(url);
        }

        /** url with the value of any password= parameter replaced by ***. */
        public static String safeUrl(String url) {
            return PASSWORD.matcher(url).replaceAll("$1***");
        }

        /** Neither the password nor the key ever shows in a log or a printed plan. */
        @Override
        public String toString() {
            return "InPostgres[url=" + safeUrl() + ", user=" + user.orElse("(default)") + ", password="
                    + password.map(p -> "(set)").orElse("(none)") + ", key=" + key + ", poolMax=" + poolMax + "]";
        }
    }
}
