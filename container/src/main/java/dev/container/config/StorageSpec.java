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
     * @param node this node's name in the cluster ({@code storage.node}); empty for a new random one at each start
     */
    record InPostgres(String url, Optional<String> user, Optional<String> password, StorageKey key, int poolMax,
                      Optional<String> node) implements StorageSpec {
        /** Ten, HikariCP's default: the container's own use is light (a few rows a minute and each lock). */
        public static final int DEFAULT_POOL_MAX = 10;
        /** Two: the schema migration at start (Flyway) holds two connections at once. */
        public static final int MIN_POOL_MAX = 2;
        /** A node's name: what a heartbeat row, Quartz's instance id and a database session's name can all hold. */
        public static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");
        private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

        public InPostgres {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(node, "node");
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + safeUrl(url));
            }
            if (poolMax < MIN_POOL_MAX) {
                throw new IllegalArgumentException("a pool of at least " + MIN_POOL_MAX + " connections, got " + poolMax);
            }
            if (node.isPresent() && !NODE.matcher(node.get()).matches()) {
                throw new IllegalArgumentException("not a node name: '" + node.get() + "'");
            }
        }

        /** A node named anew at each start. */
        public InPostgres(String url, Optional<String> user, Optional<String> password, StorageKey key, int poolMax) {
            this(url, user, password, key, poolMax, Optional.empty());
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
                    + password.map(p -> "(set)").orElse("(none)") + ", key=" + key + ", poolMax=" + poolMax
                    + ", node=" + node.orElse("(random)") + "]";
        }
    }
}
