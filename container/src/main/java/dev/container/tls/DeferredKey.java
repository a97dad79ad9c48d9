package dev.container.tls;

import dev.container.StartupError;
import dev.container.config.CertSpec;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The private key of a {@link KeyedCertificate#deferred} certificate, read from its file on first
 * use and kept in the {@link KeyCache}. Stands in for the key in the record; only {@link
 * #getAlgorithm} (the certificate's, so choosing a certificate reads no key) is meant to be called
 * on it directly. A key file that does not read, or holds another certificate's key, is logged
 * once, naming the file, and its handshakes fail until the files change (the store then reads
 * them again, with a new DeferredKey). Thread-safe: two handshakes may read the same file at once.
 */
final class DeferredKey implements PrivateKey {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger("container");

    private final transient CertSpec spec;
    private final transient List<X509Certificate> chain;
    private final transient Set<String> names;
    private final transient KeyCache cache;
    private final String algorithm;
    private volatile boolean failed;

    DeferredKey(CertSpec spec, List<X509Certificate> chain, Set<String> names, KeyCache cache) {
        this.spec = spec;
        this.chain = chain;
        this.names = names;
        this.cache = cache;
        this.algorithm = chain.get(0).getPublicKey().getAlgorithm();
    }

    /** The key, read and checked against the certificate now if it is not in the cache; null when it cannot be. */
    PrivateKey load() {
        PrivateKey key = cache.get(this);
        if (key != null || failed) {
            return key;
        }
        try {
            List<Object> objects = KeyedCertificate.pemObjects(spec.key());
            key = KeyedCertificate.read(spec.cert(), spec.key(), objects, spec.password(), chain).key();
        } catch (StartupError e) {
            failed = true;
            log.error("TLS: {}; handshakes for {} fail until the files are fixed", e.getMessage(), new TreeSet<>(names));
            return null;
        }
        cache.put(this, key);
        return key;
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    /** Not encodable until read: the record's {@link KeyedCertificate#key()} reads it. */
    @Override
    public String getFormat() {
        return null;
    }

    @Override
    public byte[] getEncoded() {
        return null;
    }

    @Override
    public String toString() {
        return "DeferredKey[" + spec.key() + "]";
    }
}
