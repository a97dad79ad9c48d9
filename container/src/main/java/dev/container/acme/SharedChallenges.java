package dev.container.acme;

import dev.container.StartupError;
import dev.container.storage.Storage;
import dev.container.storage.StorageException;
import dev.container.tls.CertificateStore;
import dev.container.tls.KeyedCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tls-alpn-01 in a cluster: the challenge certificates of pending validations, shared through the
 * {@link Storage} so that the CA's validation handshake succeeds on whichever node it reaches.
 * The ordering node {@link #publish}es a challenge certificate (chain and key, a secret, under
 * {@code acme/tls-alpn-01/certificates/NAME}), signals the other nodes ({@link Storage#signal}:
 * PostgreSQL's NOTIFY) and waits, at most {@link #ACK_WAIT}, until every node alive (heartbeat
 * rows) says under {@code acme/tls-alpn-01/loaded/NODE} that it serves it; only then is the CA
 * asked to validate. Each node {@link #reload}s what the storage has on the storage's listening
 * thread, into its {@link CertificateStore}, and drops what is gone: the handshake itself only
 * looks in memory, so no client can make a node query the database. Thread-safe.
 */
final class SharedChallenges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("container");
    static final String TOPIC = "acme-tls-alpn-01";
    static final String CERTIFICATES = "acme/tls-alpn-01/certificates/";
    static final String LOADED = "acme/tls-alpn-01/loaded/";
    /** How long the ordering node waits for the other nodes to load a challenge certificate. */
    static final Duration ACK_WAIT = Duration.ofSeconds(10);
    private static final Duration ACK_POLL = Duration.ofMillis(100);

    private final Storage storage;
    private final CertificateStore store;
    private final ClusterNodes nodes;
    /** The names whose challenge certificate this node loaded from the storage, with the stored bytes' fingerprint. */
    private final Map<String, String> loaded = new ConcurrentHashMap<>();
    /** The names whose challenge certificate this node published: its own order's, not the storage's to remove. */
    private final Set<String> own = ConcurrentHashMap.newKeySet();
    /** What this node last wrote under LOADED; guarded by this. */
    private String acknowledged = "";
    private volatile Storage.Subscription subscription;

    SharedChallenges(Storage storage, CertificateStore store, ClusterNodes nodes) {
        this.storage = storage;
        this.store = store;
        this.nodes = nodes;
    }

    /** Listens for the other nodes' challenges from now on (and loads those pending now, soon). */
    void start() {
        subscription = storage.subscribe(TOPIC, this::reload);
    }

    /** Whether this node serves a challenge certificate of another node's (acme-sync then reloads: a signal may be lost). */
    boolean holding() {
        return !loaded.isEmpty();
    }

    /**
     * Serves the challenge certificates the storage has (other than this node's own), stops serving
     * those it no longer has, and says which it serves under LOADED. Throws StorageException when
     * the storage cannot be read.
     */
    synchronized void reload() {
        Map<String, String> found = new TreeMap<>();
        for (Storage.Item item : storage.list(CERTIFICATES)) {
            String name = item.name().substring(CERTIFICATES.length());
            if (own.contains(name)) {
                continue;
            }
            Optional<byte[]> pem = storage.get(item.name());
            if (pem.isEmpty()) {
                continue; // withdrawn meanwhile
            }
            String fingerprint = fingerprint(pem.get());
            if (!fingerprint.equals(loaded.get(name))) {
                try {
                    store.putChallenge(name, KeyedCertificate.parse(Path.of(item.name()), pem.get()));
                } catch (StartupError e) {
                    log.warn("acme: {}: the tls-alpn-01 challenge certificate another node published does not read ({})",
                            name, e.getMessage());
                    continue;
                }
                loaded.put(name, fingerprint);
                log.info("acme: {}: answering tls-alpn-01 with the challenge certificate another node published", name);
            }
            found.put(name, fingerprint);
        }
        for (String name : List.copyOf(loaded.keySet())) {
            if (!found.containsKey(name)) {
                loaded.remove(name);
                if (!own.contains(name)) {
                    store.removeChallenge(name);
                }
            }
        }
        String text = found.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + "\n")
                .collect(Collectors.joining());
        if (!text.equals(acknowledged)) {
            if (text.isEmpty()) {
                storage.delete(LOADED + nodes.self());
            } else {
                storage.put(LOADED + nodes.self(), text.getBytes(StandardCharsets.US_ASCII));
            }
            acknowledged = text;
        }
    }

    /**
     * Shares name's challenge certificate (pem: chain and key), already served by this node, and
     * waits until every other node alive serves it too, at most {@link #ACK_WAIT}: a node that did
     * not by then is named in the log, and the CA is asked anyway. host names the order in the log.
     */
    void publish(String host, String name, byte[] pem) throws InterruptedException {
        own.add(name);
        storage.putSecret(CERTIFICATES + name, pem);
        storage.signal(TOPIC);
        String line = name + " " + fingerprint(pem);
        long deadline = System.nanoTime() + ACK_WAIT.toNanos();
        while (true) {
            Set<String> waiting = new TreeSet<>(nodes.alive().get());
            waiting.remove(nodes.self());
            int others = waiting.size();
            waiting.removeIf(node -> storage.get(LOADED + node)
                    .map(b -> new String(b, StandardCharsets.US_ASCII).lines().anyMatch(line::equals)).orElse(false));
            if (waiting.isEmpty()) {
                if (others > 0) {
                    log.info("acme: {}: the tls-alpn-01 challenge certificate for {} is served by every node ({} other(s))",
                            host, name, others);
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                log.warn("acme: {}: node(s) {} did not load the tls-alpn-01 challenge certificate for {} within {} s;"
                        + " asking the CA anyway (its validation fails if it reaches one of them)", host, waiting, name,
                        ACK_WAIT.toSeconds());
                return;
            }
            Thread.sleep(ACK_POLL.toMillis());
        }
    }

    /** Removes name's challenge certificate from the storage (the validation ended) and tells the other nodes. */
    void withdraw(String name) {
        try {
            storage.delete(CERTIFICATES + name);
            storage.signal(TOPIC);
        } catch (StorageException e) {
            log.debug("acme: cannot remove the tls-alpn-01 challenge certificate of {}: {}", name, e.getMessage());
        } finally {
            own.remove(name);
        }
    }

    private static String fingerprint(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    /** Stops listening; says this node serves nothing any more. */
    @Override
    public synchronized void close() {
        Storage.Subscription s = subscription;
        if (s != null) {
            s.close();
        }
        if (!acknowledged.isEmpty()) {
            try {
                storage.delete(LOADED + nodes.self());
            } catch (StorageException e) {
                // the row is read only against a live node's id: a stopped node's is never asked for
            }
        }
        loaded.keySet().forEach(store::removeChallenge);
        loaded.clear();
    }
}
