package dev.container.tls;

import java.security.PrivateKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The private keys of deferred certificates ({@link KeyedCertificate#deferred}) read so far, the
 * least recently used dropped beyond a capacity (read again on their next handshake), as Caddy's
 * certificate cache does with its 10,000 by default. Thread-safe: one lock around a map access,
 * once per handshake that serves a deferred certificate.
 */
public final class KeyCache {
    /** Caddy's default cache capacity: a host serving more names re-reads the coldest keys. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private final Map<DeferredKey, PrivateKey> keys;
    private long reads;

    public KeyCache(int capacity) {
        this.keys = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<DeferredKey, PrivateKey> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized PrivateKey get(DeferredKey key) {
        return keys.get(key);
    }

    synchronized void put(DeferredKey key, PrivateKey value) {
        keys.put(key, value);
        reads++;
    }

    /** How many keys are held now. */
    public synchronized int size() {
        return keys.size();
    }

    /** How many key files were read since start (a figure for tests and the docs: misses). */
    public synchronized long reads() {
        return reads;
    }
}
