package dev.container.storage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The state the nodes of a cluster share, and the locks around it: the one interface behind
 * {@code storage { type = files }} ({@link FileStorage}, the state directory, one machine) and
 * {@code storage { type = postgres }} ({@link PostgresStorage}, a database every node reaches).
 *
 * <p>State is a set of named blobs. A name is a relative path of segments separated by '/', each
 * of letters, digits and {@code . _ - + = @ ~}, none empty, none beginning with '.':
 * {@code acme/acme-v02.api.letsencrypt.org-directory/account.key},
 * {@code acme/CA/certificates/example.com/certificate.pem}, {@code acme/http-01/TOKEN}. In files
 * a name is the path under the state directory, so the layout on disk stays what it was.
 * A blob is written whole or not at all ({@link #put}); a reader sees the old content or the new.
 * Secrets (private keys) are written with {@link #putSecret}: a file only its owner can read, or a
 * row encrypted with the storage key (AES-256-GCM); they read back with {@link #get} like any blob.
 *
 * <p>A {@link #lock} is exclusive across the cluster (across the threads of one node too) and
 * ends when its holder dies: with the database session that holds it, or the process that holds
 * the file lock. Use it for what exactly one node must do (order a certificate).
 *
 * <p>Thread-safe. Every method may throw {@link StorageException}; {@link StorageUnavailableException}
 * when the storage cannot be reached now (the database is down), which passes: try again later.
 */
public interface Storage {
    /** The content stored under name (decrypted when a secret), or empty when there is none. */
    Optional<byte[]> get(String name);

    /** Stores content under name, replacing what was there (a secret too), atomically. */
    void put(String name, byte[] content);

    /** Stores a private key or other secret under name: readable by the owner only, or encrypted at rest. */
    void putSecret(String name, byte[] content);

    /** Removes what is stored under name; false when there was nothing. */
    boolean delete(String name);

    /** What is stored under names that begin with prefix ("" for everything; "acme/" for a folder), sorted by name. */
    List<Item> list(String prefix);

    /**
     * Waits at most wait for the lock of that name and holds it until the lease is closed (or its
     * holder dies). Throws {@link LockTimeoutException} when another holder kept it all that time.
     */
    Lease lock(String name, Duration wait);

    /** The lock of that name when it is free now; empty when another holder has it. */
    Optional<Lease> tryLock(String name);

    /** Where the state is, for the log and the status: "files in /var/lib/container", "postgres at jdbc:...". */
    String describe();

    /**
     * Tells every node that {@link #subscribe}s to topic (this one too) that what it watches
     * changed: PostgreSQL's NOTIFY. Nothing with files, where there is one node. Throws like a write.
     */
    default void signal(String topic) {
    }

    /**
     * Runs changed on a thread of the storage's own soon after any node {@link #signal}s topic,
     * and after each (re)connection of that thread, when a signal may have been missed (so once
     * soon after this call): changed should read what it watches, and return quickly. Never run
     * with files (one node: nobody else changes anything).
     */
    default Subscription subscribe(String topic, Runnable changed) {
        return () -> {
        };
    }

    /** A {@link #subscribe}: close it to stop being told. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * One stored blob.
     *
     * @param modified when it was last written (the database's clock, or the file's time)
     * @param size the length of its content, in bytes
     */
    record Item(String name, Instant modified, long size) {
    }

    /**
     * A held lock. {@link #close()} releases it (once; later calls do nothing); {@link #held()}
     * says whether it is still held: false once closed, or once the database session that held it
     * ended (the database restarted, the connection broke): then another node may hold it, and
     * the work it guarded should stop.
     */
    interface Lease extends AutoCloseable {
        String name();

        boolean held();

        @Override
        void close();
    }

    /** A name as {@link Storage} takes it, or an IllegalArgumentException saying what is wrong with it. */
    static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a storage name must not be empty");
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.startsWith(".") || !segment.matches("[A-Za-z0-9._+=@~-]+")) {
                throw new IllegalArgumentException("not a storage name: '" + name + "' (segments of letters, digits and"
                        + " . _ - + = @ ~, separated by /, none empty or beginning with '.')");
            }
        }
        return name;
    }

    /** A prefix as {@link #list} takes it: "" or a name, optionally ending in '/'. */
    static String checkPrefix(String prefix) {
        if (prefix.isEmpty()) {
            return prefix;
        }
        checkName(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        return prefix;
    }
}
